import { Component, onMounted, onWillStart, onWillUnmount, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * Key-account dashboard of managers: the figures of the portfolio, each
 * opening its list, and the cumulative Pareto curve of the revenue.
 */
export class KeyaccountDashboard extends Component {
    static template = "crm_keyaccount.KeyaccountDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.canvasRef = useRef("pareto");
        onWillStart(async () => {
            const [data] = await Promise.all([
                this.orm.call("crm.keyaccount.dashboard", "get_dashboard_data", []),
                loadBundle("web.chartjs_lib"),
            ]);
            this.data = data;
        });
        onMounted(() => this.renderChart());
        onWillUnmount(() => this.chart?.destroy());
    }

    async openFigure(key) {
        const action = await this.orm.call("crm.keyaccount.dashboard", "get_dashboard_action", [
            key,
        ]);
        await this.actionService.doAction(action);
    }

    renderChart() {
        const { points, threshold_a, threshold_b } = this.data.pareto;
        const line = (y) => [
            { x: 0, y },
            { x: 100, y },
        ];
        this.chart = new Chart(this.canvasRef.el, {
            type: "line",
            data: {
                datasets: [
                    {
                        label: _t("Cumulative share of revenue"),
                        data: points.map(([x, y]) => ({ x, y })),
                        borderColor: "#714B67",
                        backgroundColor: "rgba(113, 75, 103, 0.15)",
                        fill: true,
                        pointRadius: 0,
                    },
                    {
                        label: _t("Class A threshold"),
                        data: line(threshold_a),
                        borderColor: "#28a745",
                        borderDash: [6, 4],
                        pointRadius: 0,
                    },
                    {
                        label: _t("Class B threshold"),
                        data: line(threshold_b),
                        borderColor: "#ffc107",
                        borderDash: [6, 4],
                        pointRadius: 0,
                    },
                ],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                scales: {
                    x: {
                        type: "linear",
                        min: 0,
                        max: 100,
                        title: { display: true, text: _t("Customers ranked by revenue (%)") },
                    },
                    y: {
                        min: 0,
                        max: 100,
                        title: { display: true, text: _t("Cumulative revenue (%)") },
                    },
                },
            },
        });
    }
}

registry.category("actions").add("crm_keyaccount.dashboard", KeyaccountDashboard);
