import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// From the home page to the ROI tab of the tour campaign.
function openTourCampaignRoi() {
    return [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Campaign ROI menu",
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
            trigger: '.o_list_view .o_data_row td:contains("Tour webinar")',
            run: "click",
        },
        {
            content: "Open the ROI tab",
            trigger: 'a[name="campaign_roi"]',
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("crm_campaign_roi_tour", {
    url: "/odoo",
    steps: () => [
        ...openTourCampaignRoi(),
        {
            content: "Add a cost line",
            trigger: 'div[name="cost_line_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        {
            content: "Describe the cost",
            trigger: 'div[name="cost_line_ids"] .o_selected_row div[name="name"] input',
            run: "edit Tour webinar platform",
        },
        {
            content: "Enter the amount",
            trigger: 'div[name="cost_line_ids"] .o_selected_row div[name="amount"] input',
            run: "edit 1000",
        },
        {
            content: "Save the campaign",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The cost is recorded",
            trigger: '.o_form_saved div[name="actual_cost"]:contains("1,000.00")',
        },
        {
            content: "Open the campaign leads",
            trigger: 'button[name="action_view_leads"]',
            run: "click",
        },
        {
            content: "Open the tour opportunity",
            trigger: '.o_data_row td:contains("Tour deal")',
            run: "click",
        },
        {
            content: "Mark it won",
            trigger: 'button[name="action_set_won_rainbowman"]',
            run: "click",
        },
        {
            content: "The opportunity is won",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Won')",
        },
    ],
});

// Once the job woken by the win has computed its attribution: the ROI.
registry.category("web_tour.tours").add("crm_campaign_roi_report_tour", {
    url: "/odoo",
    steps: () => [
        ...openTourCampaignRoi(),
        {
            content: "The attributed revenue is shown",
            trigger: 'div[name="attributed_revenue"]:contains("5,000.00")',
        },
        {
            content: "The ROI is shown",
            trigger: 'div[name="roi"]:contains("400.00")',
        },
        {
            content: "Open the Campaign ROI menu",
            trigger: 'button[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_menu"]',
            run: "click",
        },
        {
            content: "Open the attribution analysis",
            trigger: 'a[data-menu-xmlid="crm_campaign_roi.crm_campaign_attribution_menu"]',
            run: "click",
        },
        {
            content: "The pivot lists the campaign",
            trigger: '.o_pivot th:contains("Tour webinar")',
        },
        {
            content: "Open the Campaign ROI menu again",
            trigger: 'button[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_menu"]',
            run: "click",
        },
        {
            content: "Open the model comparison",
            trigger: 'a[data-menu-xmlid="crm_campaign_roi.crm_campaign_roi_report_menu"]',
            run: "click",
        },
        {
            content: "Every model has a column",
            trigger: '.o_pivot th:contains("Time Decay")',
        },
    ],
});
