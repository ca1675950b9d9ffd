import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_campaign_roi_holdout_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Campaign ROI menu",
            trigger: 'button[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_menu"]',
            run: "click",
        },
        {
            content: "Open the mailing holdouts",
            trigger: 'a[data-menu-xmlid="crm_campaign_roi.crm_campaign_holdout_menu"]',
            run: "click",
        },
        {
            content: "The sent mailing is listed with its lift, too small for an interval",
            trigger:
                '.o_data_row:has(td:contains("Holdout tour offer")) td[name="lift_conversions_interval"]:contains("Groups too small")',
        },
        {
            content: "Open the holdout",
            trigger: '.o_data_row td:contains("Holdout tour offer")',
            run: "click",
        },
        {
            content: "The holdout is sent and frozen",
            trigger: '.o_statusbar_status .o_arrow_button_current:contains("Sent")',
        },
        {
            content: "Its held-out recipients are counted",
            trigger: 'button[name="action_view_members"] .o_stat_value',
        },
        {
            content: "Open the campaign of the mailing",
            trigger: '.o_field_widget[name="campaign_id"] a.o_form_uri',
            run: "click",
        },
        {
            content: "Open the incrementality tab",
            trigger: 'a[name="campaign_lift"]',
            run: "click",
        },
        {
            content: "The campaign lists its holdout",
            trigger: '.o_notebook div[name="holdout_ids"] td:contains("Holdout tour offer")',
        },
        {
            content: "The campaign's lift says the groups are too small",
            trigger:
                '.o_notebook div[name="lift_conversions_interval"]:contains("Groups too small for a confidence interval.")',
        },
    ],
});
