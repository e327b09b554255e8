import * as assert from "assert";
import { chartValuesOrThrow, mergeChartValues } from "../../../lib/helm/values";

describe("chart values: the user's under the stack's", () => {
    it("keeps every user value the stack does not set, merging objects key by key", () => {
        const { values, conflicts } = mergeChartValues(
            {
                controller: {
                    config: { "use-forwarded-headers": "true" },
                    service: { annotations: { a: "1" } },
                },
            },
            { controller: { service: { type: "LoadBalancer" } } },
        );
        assert.deepStrictEqual(values, {
            controller: {
                config: { "use-forwarded-headers": "true" },
                service: { annotations: { a: "1" }, type: "LoadBalancer" },
            },
        });
        assert.deepStrictEqual(conflicts, []);
    });

    it("lets the stack's value win and reports each user value that contradicts one, by its path", () => {
        const { values, conflicts } = mergeChartValues(
            { executor: { resources: { limits: { memory: "1Gi" } } }, server: { enabled: false } },
            { executor: { resources: { limits: { memory: "256Mi" } } }, server: { enabled: false } },
        );
        assert.deepStrictEqual(values, {
            executor: { resources: { limits: { memory: "256Mi" } } },
            server: { enabled: false },
        });
        assert.deepStrictEqual(conflicts, [
            { path: "executor.resources.limits.memory", user: "1Gi", stack: "256Mi" },
        ]);
    });

    it("replaces lists and scalars whole, and an object the user gave where the stack sets a scalar is a conflict", () => {
        const { conflicts } = mergeChartValues(
            { controller: { workflowNamespaces: ["a"], ingressClass: { name: "x" } } },
            { controller: { workflowNamespaces: ["seldon-system"], ingressClass: "nginx" } },
        );
        assert.deepStrictEqual(
            conflicts.map((conflict) => conflict.path),
            ["controller.workflowNamespaces", "controller.ingressClass"],
        );
    });

    it("refuses conflicts with one line each, naming the setting's path and both values", () => {
        assert.throws(
            () =>
                chartValuesOrThrow(
                    "charts.ingress-nginx.values",
                    { controller: { service: { type: "NodePort" } } },
                    { controller: { service: { type: "LoadBalancer" } } },
                ),
            {
                message:
                    'charts.ingress-nginx.values.controller.service.type: "NodePort" contradicts "LoadBalancer", which the stack sets from its own settings',
            },
        );
    });
});
