import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_service_link_handoff_submit_tour", {
    steps: () => [
        {
            content: "Mark the opportunity won",
            trigger: ".o_form_view button[name=action_set_won_rainbowman]",
            run: "click",
        },
        {
            content: "Open the handoff created by the win",
            trigger: ".o_form_view button[name=action_open_service_handoff]",
            run: "click",
        },
        {
            content: "Choose the agreed service level",
            trigger: ".o_field_widget[name=sla_policy_id] input",
            run: "edit Tour Gold",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour Gold)",
            run: "click",
        },
        {
            content: "Tick the first checklist item",
            trigger:
                ".o_field_widget[name=checklist_line_ids] .o_data_row:contains(Signed contract) .o_boolean_toggle input",
            run: "click",
        },
        {
            content: "Tick the second checklist item",
            trigger:
                ".o_field_widget[name=checklist_line_ids] .o_data_row:contains(Kick-off call) .o_boolean_toggle input",
            run: "click",
        },
        {
            content: "Submit to service",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "The handoff is submitted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Submitted)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_service_link_handoff_accept_tour", {
    steps: () => [
        {
            content: "Accept the submitted handoff",
            trigger: ".o_form_view button[name=action_accept]",
            run: "click",
        },
        {
            content: "The handoff is accepted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Accepted)",
        },
    ],
});
