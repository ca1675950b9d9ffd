import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_campaign_roi_costs_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Campaign ROI menu",
            trigger: 'button[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_menu"]',
            run: "click",
        },
        {
            content: "Open the campaign costs",
            trigger: 'a[data-menu-xmlid="crm_campaign_roi.utm_campaign_cost_menu"]',
            run: "click",
        },
        {
            content: "The cost line is listed with its campaign",
            trigger: '.o_list_view .o_data_row:contains("Tour trade fair stand"):contains("Tour campaign")',
        },
    ],
});
