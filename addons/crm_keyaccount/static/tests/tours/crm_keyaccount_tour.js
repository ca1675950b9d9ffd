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

registry.category("web_tour.tours").add("crm_keyaccount_pareto_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Key Accounts menu",
            trigger: 'button[data-menu-xmlid="crm_keyaccount.crm_keyaccount_menu"]',
            run: "click",
        },
        {
            content: "Open the key-account list",
            trigger: 'a[data-menu-xmlid="crm_keyaccount.res_partner_keyaccount_menu"]',
            run: "click",
        },
        {
            content: "The customers are listed",
            trigger: '.o_list_view .o_data_row:contains("Pareto Big")',
        },
        {
            content: "Recompute classes and scores now",
            trigger: 'button[name="action_keyaccount_recompute"]',
            run: "click",
        },
        {
            content: "The recompute is confirmed",
            trigger: '.o_notification:contains("recomputed")',
        },
        {
            content: "Open the Key Accounts menu again",
            trigger: 'button[data-menu-xmlid="crm_keyaccount.crm_keyaccount_menu"]',
            run: "click",
        },
        {
            content: "Open the Pareto analysis",
            trigger: 'a[data-menu-xmlid="crm_keyaccount.res_partner_keyaccount_pareto_menu"]',
            run: "click",
        },
        {
            content: "The A/B/C graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Switch to the pivot to read the classes",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "Class A holds the big customer",
            trigger: '.o_pivot .o_pivot_header_cell_closed:contains("A")',
        },
    ],
});

registry.category("web_tour.tours").add("crm_keyaccount_map_tour", {
    url: "/odoo/action-crm_keyaccount.res_partner_action_keyaccount",
    steps: () => [
        {
            content: "Open the managed account",
            trigger: '.o_list_view .o_data_row td:contains("Tour Account")',
            run: "click",
        },
        {
            content: "Open the Key Account tab",
            trigger: '.o_notebook a[name="keyaccount"]',
            run: "click",
        },
        {
            content: "Add a person to the relationship map",
            trigger: 'div[name="keyaccount_contact_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        {
            content: "Choose the client contact",
            trigger: 'div[name="keyaccount_contact_ids"] .o_data_row [name="contact_id"] input',
            run: "edit Tina",
        },
        {
            trigger: '.o-autocomplete--dropdown-item a:contains("Tina Tour")',
            run: "click",
        },
        {
            content: "She is an executive",
            trigger: 'div[name="keyaccount_contact_ids"] .o_data_row [name="org_level"] select',
            run: "selectByLabel Executive",
        },
        {
            content: "and the decision maker",
            trigger: 'div[name="keyaccount_contact_ids"] .o_data_row [name="buying_role"] select',
            run: "selectByLabel Decision Maker",
        },
        {
            content: "who supports us",
            trigger: 'div[name="keyaccount_contact_ids"] .o_data_row [name="attitude"] select',
            run: "selectByLabel Supporter",
        },
        ...stepUtils.saveForm(),
    ],
});
