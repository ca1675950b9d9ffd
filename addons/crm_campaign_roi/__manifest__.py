{
    "name": "CRM Campaign ROI",
    "summary": "Campaign costs, touchpoints and multi-touch attribution of won contracts, with ROI",
    "version": "18.0.1.0.0",
    "category": "Marketing",
    "website": "https://github.com/crm-addons/crm-addons",
    "author": "CRM Addons Team",
    "maintainers": ["crm-addons"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["crm", "sale_crm"],
    "data": [
        "security/crm_campaign_roi_security.xml",
        "security/ir.model.access.csv",
        "views/utm_campaign_cost_views.xml",
        "views/utm_campaign_views.xml",
        "views/crm_campaign_touch_views.xml",
        "views/crm_campaign_attribution_views.xml",
        "views/crm_campaign_roi_report_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/crm_campaign_roi_config_views.xml",
        "views/crm_campaign_roi_menus.xml",
    ],
    "demo": [
        "demo/crm_campaign_roi_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_campaign_roi/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
