import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_service_link_sla_glance_tour", {
    steps: () => [
        {
            content: "The kanban card shows the nearest deadline",
            trigger:
                ".o_kanban_record:contains(Glance request) .o_service_next_deadline .o_field_remaining_days",
        },
        {
            content: "Open the request",
            trigger: ".o_kanban_record:contains(Glance request)",
            run: "click",
        },
        {
            content: "The header shows the response status",
            trigger: ".o_form_view .o_service_sla_glance .o_service_sla_response .o_field_badge:contains(Ongoing)",
        },
        {
            content: "with its deadline",
            trigger: ".o_service_sla_response .o_service_sla_deadline:not(:empty)",
        },
        {
            content: "and the working time left",
            trigger: ".o_service_sla_response .o_service_sla_left:contains(:)",
        },
        {
            content: "The resolution target is shown too",
            trigger: ".o_service_sla_resolution .o_service_sla_left:contains(:)",
        },
    ],
});
