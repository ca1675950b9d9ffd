import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_service_link_sla_timeline_tour", {
    steps: () => [
        {
            content: "Open the timeline of the clock",
            trigger: ".o_notebook a:contains(SLA Timeline)",
            run: "click",
        },
        {
            content: "The time counted is listed",
            trigger: ".o_field_widget[name=sla_segment_ids] .o_data_row td:contains(Counted)",
        },
        {
            content: "The pause is listed",
            trigger: ".o_field_widget[name=sla_segment_ids] .o_data_row td:contains(Paused)",
        },
        {
            content: "The team's share of the target is listed",
            trigger: ".o_field_widget[name=sla_team_clock_ids] .o_data_row td:contains(Timeline team)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_service_link_portal_timeline_tour", {
    steps: () => [
        {
            content: "The customer sees when we worked on the request",
            trigger: ".o_service_sla_timeline .o_service_sla_period_working:contains(We were working on it)",
        },
        {
            content: "and when we waited for the customer",
            trigger: ".o_service_sla_timeline .o_service_sla_period_waiting:contains(Waiting for you)",
        },
        {
            content: "and the time outside the working hours",
            trigger: ".o_service_sla_timeline .o_service_sla_period_outside:contains(Outside our hours)",
        },
    ],
});
