{
    "name": "CRM Service Link",
    "summary": "Lossless sales-to-service handoff on won deals, service requests "
    "with SLA in working hours",
    "version": "18.0.1.0.0",
    "category": "Services",
    "website": "https://github.com/crm-addons/crm-addons",
    "author": "CRM Addons Team",
    "maintainers": ["crm-addons"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["crm", "sale_crm", "portal", "resource"],
    "data": [
        "security/crm_service_link_security.xml",
        "security/ir.model.access.csv",
        "data/crm_service_stage_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_service_team_views.xml",
        "views/crm_service_sla_policy_views.xml",
        "views/crm_service_request_views.xml",
        "views/crm_service_handoff_views.xml",
        "views/crm_service_sla_report_views.xml",
        "views/crm_lead_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_service_request_portal_templates.xml",
        "views/crm_service_link_menus.xml",
    ],
    "demo": [
        "demo/crm_service_team_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_service_link/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
