{
    "name": "CRM Key Accounts",
    "summary": "Key-account titles, Pareto profit classes, relationship maps "
    "and client-view assessments",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-addons/crm-addons",
    "author": "CRM Addons Team",
    "maintainers": ["crm-addons"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["crm", "sale_margin", "portal"],
    "data": [
        "security/crm_keyaccount_security.xml",
        "security/ir.model.access.csv",
        "data/crm_keyaccount_data.xml",
        "data/crm_keyaccount_title_data.xml",
        "data/crm_keyaccount_question_data.xml",
        "views/crm_keyaccount_title_views.xml",
        "views/res_partner_views.xml",
        "views/crm_keyaccount_figure_views.xml",
        "views/crm_keyaccount_plan_views.xml",
        "views/crm_keyaccount_assessment_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_keyaccount_portal_templates.xml",
        "wizards/crm_keyaccount_title_change_views.xml",
        "views/crm_keyaccount_menus.xml",
    ],
    "demo": [
        "demo/crm_keyaccount_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_keyaccount/static/src/dashboard/*",
        ],
        "web.assets_tests": [
            "crm_keyaccount/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
