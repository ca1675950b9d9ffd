import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_campaign_roi_markov_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Campaign ROI menu",
            trigger: 'button[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_menu"]',
            run: "click",
        },
        {
            content: "Open the model comparison",
            trigger: 'a[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_report_menu"]',
            run: "click",
        },
        {
            content: "The pivot lists the campaign",
            trigger: '.o_pivot th:contains("Markov tour webinar")',
        },
        {
            content: "The Markov model has its column, saying it is not computed",
            trigger: '.o_pivot th:contains("Markov Chain (not computed)")',
        },
    ],
});
