import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_service_link_teams_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Service menu",
            trigger: 'button[data-menu-xmlid="crm_service_link.crm_service_link_menu"]',
            run: "click",
        },
        {
            content: "Open the service teams",
            trigger: 'a[data-menu-xmlid="crm_service_link.crm_service_team_menu"]',
            run: "click",
        },
        {
            content: "The team is listed",
            trigger: '.o_list_view .o_data_row:contains("Tour Field Service")',
        },
    ],
});
