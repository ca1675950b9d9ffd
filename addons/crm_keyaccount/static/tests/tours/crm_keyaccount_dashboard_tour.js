import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_keyaccount_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Key Accounts menu",
            trigger: 'button[data-menu-xmlid="crm_keyaccount.crm_keyaccount_menu"]',
            run: "click",
        },
        {
            content: "Open the dashboard",
            trigger: 'a[data-menu-xmlid="crm_keyaccount.res_partner_keyaccount_dashboard_menu"]',
            run: "click",
        },
        {
            content: "The Pareto curve is drawn",
            trigger: ".o_keyaccount_dashboard canvas.o_keyaccount_pareto_chart",
        },
        {
            content: "Two accounts are single-threaded",
            trigger:
                '.o_keyaccount_dashboard_figure[data-figure="single_threaded"] .o_keyaccount_dashboard_value:contains("2")',
        },
        {
            content: "Two key accounts: open them",
            trigger:
                '.o_keyaccount_dashboard_figure[data-figure="key_accounts"]:has(.o_keyaccount_dashboard_value:contains("2"))',
            run: "click",
        },
        {
            content: "The key accounts are listed",
            trigger: '.o_list_view .o_data_row:contains("Dashboard Key One")',
        },
        {
            trigger: '.o_list_view .o_data_row:contains("Dashboard Key Two")',
        },
        {
            content: "Only them",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Dashboard Plain')))",
        },
    ],
});

registry.category("web_tour.tours").add("crm_keyaccount_journey_tour", {
    steps: () => [
        {
            content: "Open the journey tab",
            trigger: '.o_notebook .nav-link:contains("Journey")',
            run: "click",
        },
        {
            content: "The won opportunity is in the journey, linked to its record",
            trigger:
                '.o_customer_journey tr:contains("Opportunity won") a[href^="/odoo/crm.lead/"]:contains("Tour journey deal")',
        },
    ],
});

registry.category("web_tour.tours").add("crm_keyaccount_journey_link_tour", {
    steps: () => [
        {
            content: "The link of a journey event opens its record",
            trigger: '.o_form_view .o_last_breadcrumb_item:contains("Tour journey deal")',
        },
    ],
});
