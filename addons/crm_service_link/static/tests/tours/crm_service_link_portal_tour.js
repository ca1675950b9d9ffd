import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_service_link_portal_request_tour", {
    steps: () => [
        {
            content: "Open a new request",
            trigger: "a.o_service_request_new",
            run: "click",
        },
        {
            content: "Describe the subject",
            trigger: ".o_service_request_form input[name=name]",
            run: "edit Printer on fire",
        },
        {
            content: "Describe the problem",
            trigger: ".o_service_request_form textarea[name=description]",
            run: "edit Smoke comes out of the tray.",
        },
        {
            content: "Send the request",
            trigger: ".o_service_request_form button[type=submit]",
            run: "click",
        },
        {
            content: "The request page shows the response status",
            trigger: ".o_service_response_status:contains(Ongoing)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_service_link_agent_answer_tour", {
    steps: () => [
        {
            content: "Answer the customer",
            trigger: "button:contains(Send message)",
            run: "click",
        },
        {
            content: "Write the answer",
            trigger: ".o-mail-Composer-input",
            run: "edit A technician is on the way.",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The answer is in the chatter",
            trigger: ".o-mail-Message-body:contains(A technician is on the way.)",
        },
    ],
});
