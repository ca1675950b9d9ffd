import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_keyaccount_titles_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Key Accounts menu",
            trigger: 'button[data-menu-xmlid="crm_keyaccount.crm_keyaccount_menu"]',
            run: "click",
        },
        {
            content: "Open the titles",
            trigger: 'a[data-menu-xmlid="crm_keyaccount.crm_keyaccount_title_menu"]',
            run: "click",
        },
        {
            content: "The seeded titles and the test title are listed",
            trigger: '.o_list_view .o_data_row:contains("Strategic")',
        },
        {
            trigger: '.o_list_view .o_data_row:contains("Tour Platinum")',
        },
    ],
});
