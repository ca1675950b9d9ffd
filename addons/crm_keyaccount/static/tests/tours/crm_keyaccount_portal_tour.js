import { registry } from "@web/core/registry";

const QUESTIONS = 6;

registry.category("web_tour.tours").add("crm_keyaccount_portal_tour", {
    steps: () => [
        {
            content: "The questionnaire is shown to the client contact",
            trigger: ".o_keyaccount_assessment form",
        },
        ...[...Array(QUESTIONS).keys()].map((index) => ({
            content: `Answer question ${index + 1} with 4`,
            trigger: `.o_keyaccount_assessment label[for$="_4"]:eq(${index})`,
            run: "click",
        })),
        {
            content: "Send the answers",
            trigger: '.o_keyaccount_assessment button[type="submit"]',
            run: "click",
        },
        {
            content: "The client is thanked",
            trigger: ".o_keyaccount_assessment_thanks",
        },
    ],
});
