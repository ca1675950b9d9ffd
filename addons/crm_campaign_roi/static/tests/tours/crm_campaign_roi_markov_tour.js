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
        {
            content: "Open the Campaign ROI menu again",
            trigger: 'button[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_menu"]',
            run: "click",
        },
        {
            content: "Open the campaigns",
            trigger: 'a[data-menu-xmlid="crm_campaign_roi.utm_campaign_menu"]',
            run: "click",
        },
        {
            content: "Open the tour campaign",
            trigger: '.o_list_view .o_data_row td:contains("Markov tour webinar")',
            run: "click",
        },
        {
            content: "Open the incrementality tab",
            trigger: 'a[name="campaign_lift"]',
            run: "click",
        },
        {
            content: "The influenced revenue of the attribution models is shown",
            trigger: '.o_notebook div[name="attributed_revenue"]:contains("5,000.00")',
        },
        {
            content: "Beside it, the holdouts' lift says it has nothing measured yet",
            trigger:
                '.o_notebook div[name="lift_conversions_interval"]:contains("No holdout measured yet.")',
        },
        {
            content: "Open the Campaign ROI menu for the holdouts",
            trigger: 'button[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_menu"]',
            run: "click",
        },
        {
            content: "Open the mailing holdouts",
            trigger: 'a[data-menu-xmlid="crm_campaign_roi.crm_campaign_holdout_menu"]',
            run: "click",
        },
        {
            content: "The lift report of the mailings opens",
            trigger: '.o_breadcrumb .active:contains("Mailing Holdouts")',
        },
    ],
});
