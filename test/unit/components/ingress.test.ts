import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    IngressController,
    ingressChartValues,
    ingressServiceLabels,
    replaceIngressClassOnNewController,
} from "../../../components/ingress";
import { validateSettings } from "../../../stacks/validation";
import {
    findObject,
    findResource,
    ProgramRun,
    resourcesOfType,
    runComponents,
    runProgram,
    stackSettings,
} from "../../harness/program";
import { Editable } from "../../harness/stackConfig";

const chartType = "kubernetes:helm.sh/v4:Chart";

/** A resource the chart must wait for, standing in for an IPAddressPool. */
class Pool extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Pool", name, {});
    }
}

/** Every key path in a value, e.g. `controller.service.annotations`. */
function keyPaths(value: unknown, prefix = ""): string[] {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return [];
    }
    return Object.entries(value).flatMap(([key, entry]) => [
        `${prefix}${key}`,
        ...keyPaths(entry, `${prefix}${key}.`),
    ]);
}

describe("IngressController", () => {
    describe("ingress-nginx (homelab stack)", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram();
        });

        it("requests 192.168.1.249 from ingress-pool through MetalLB annotations only", () => {
            const chart = findResource(run, chartType, "ingress-chart");
            assert.deepStrictEqual(chart.inputs.values, {
                controller: {
                    service: {
                        type: "LoadBalancer",
                        annotations: {
                            "metallb.io/loadBalancerIPs": "192.168.1.249",
                            "metallb.io/address-pool": "ingress-pool",
                        },
                        externalTrafficPolicy: "Local",
                        ipFamilyPolicy: "SingleStack",
                        ipFamilies: ["IPv4"],
                    },
                    ingressClass: "nginx",
                    ingressClassResource: { name: "nginx", default: true },
                },
            });
            assert.ok(!keyPaths(chart.inputs.values).some((key) => key.endsWith("loadBalancerIP")));
        });

        it("installs the pinned community chart into its own namespace", () => {
            const chart = findResource(run, chartType, "ingress-chart");
            const pinned = (stackSettings().charts as Editable)["ingress-nginx"];
            assert.strictEqual(chart.inputs.chart, "ingress-nginx");
            assert.strictEqual(chart.inputs.version, pinned.version);
            assert.deepStrictEqual(chart.inputs.repositoryOpts, {
                repo: "https://kubernetes.github.io/ingress-nginx",
            });
            assert.strictEqual(chart.inputs.name, "ingress-nginx");
            assert.strictEqual(chart.inputs.namespace, "ingress-nginx");
            findObject(run, "Namespace", "ingress-nginx");
        });

        it("waits for its namespace and every MetalLB pool", () => {
            const chart = findResource(run, chartType, "ingress-chart");
            const expected = [
                findObject(run, "Namespace", "ingress-nginx").urn,
                findObject(run, "IPAddressPool", "homelab-pool").urn,
                findObject(run, "IPAddressPool", "ingress-pool").urn,
            ];
            assert.deepStrictEqual([...chart.dependencies].sort(), expected.sort());
        });
    });

    describe("nginx-ingress (F5)", () => {
        let run: ProgramRun;
        before(async () => {
            const ingress = stackSettings().ingress as Editable;
            ingress.controller = "nginx-ingress";
            ingress.externalTrafficPolicy = "Cluster";
            run = await runProgram({ overrides: { ingress } });
        });

        it("uses the F5 chart's keys for the Service and the default ingress class", () => {
            const chart = findResource(run, chartType, "ingress-chart");
            assert.deepStrictEqual(chart.inputs.values, {
                controller: {
                    service: {
                        type: "LoadBalancer",
                        annotations: {
                            "metallb.io/loadBalancerIPs": "192.168.1.249",
                            "metallb.io/address-pool": "ingress-pool",
                        },
                        externalTrafficPolicy: "Cluster",
                        ipFamilyPolicy: "SingleStack",
                        ipFamilies: ["IPv4"],
                    },
                    ingressClass: { name: "nginx", create: true, setAsDefaultIngress: true },
                },
            });
            assert.ok(!keyPaths(chart.inputs.values).some((key) => key.endsWith("loadBalancerIP")));
        });

        it("installs the pinned F5 chart", () => {
            const chart = findResource(run, chartType, "ingress-chart");
            const pinned = (stackSettings().charts as Editable)["nginx-ingress"];
            assert.strictEqual(chart.inputs.chart, "nginx-ingress");
            assert.strictEqual(chart.inputs.version, pinned.version);
            assert.deepStrictEqual(chart.inputs.repositoryOpts, { repo: "https://helm.nginx.com/stable" });
        });
    });

    describe("the controller Service's labels, which the reserved pool's serviceAllocation selects", () => {
        const ingress = validateSettings(stackSettings()).ingress;

        it("are the chart's name, the release and, for ingress-nginx, the controller component", () => {
            assert.deepStrictEqual(ingressServiceLabels(ingress), {
                "app.kubernetes.io/name": "ingress-nginx",
                "app.kubernetes.io/instance": "ingress-nginx",
                "app.kubernetes.io/component": "controller",
            });
            assert.deepStrictEqual(
                ingressServiceLabels({ ...ingress, controller: "nginx-ingress", releaseName: "edge" }),
                {
                    "app.kubernetes.io/name": "nginx-ingress",
                    "app.kubernetes.io/instance": "edge",
                },
            );
        });

        it("follow the user's nameOverride, and F5's controller.selectorLabels", () => {
            assert.strictEqual(
                ingressServiceLabels({ ...ingress, chartValues: { nameOverride: "edge" } })[
                    "app.kubernetes.io/name"
                ],
                "edge",
            );
            const selectorLabels = { app: "edge-proxy" };
            assert.deepStrictEqual(
                ingressServiceLabels({
                    ...ingress,
                    controller: "nginx-ingress",
                    chartValues: { controller: { selectorLabels } },
                }),
                selectorLabels,
            );
        });
    });

    describe("arguments", () => {
        before(async () => {
            await pulumi.runtime.setMocks({
                newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
                call: () => ({}),
            });
        });

        it("refuses an ingress without a reserved address", () => {
            const ingress = { ...validateSettings(stackSettings()).ingress, reservedAddress: "" };
            assert.throws(() => new IngressController("ingress", { ingress, addressPools: [] }), {
                message:
                    'IngressController ingress: ingress.reservedAddress is empty: reservation "ingress-pool" must name a pool with an address',
            });
        });
    });

    describe("address family", () => {
        it("asks for a single-stack Service of the reserved address's family", () => {
            const ingress = validateSettings(stackSettings()).ingress;
            for (const [address, family] of [
                ["192.168.1.249", "IPv4"],
                ["fd00:1::249", "IPv6"],
            ]) {
                const values = ingressChartValues({ ...ingress, reservedAddress: address }) as Editable;
                assert.deepStrictEqual(
                    [values.controller.service.ipFamilyPolicy, values.controller.service.ipFamilies],
                    ["SingleStack", [family]],
                );
            }
        });
    });

    describe("switching controllers", () => {
        it("replaces the IngressClass when its controller changes, and only the IngressClass", () => {
            const ingressClass = replaceIngressClassOnNewController({
                custom: true,
                type: "kubernetes:networking.k8s.io/v1:IngressClass",
                name: "ingress-chart:nginx",
                opts: {},
                props: { spec: { controller: "k8s.io/ingress-nginx" } },
            });
            assert.ok(ingressClass && !(ingressClass instanceof Promise));
            assert.deepStrictEqual(ingressClass.opts, {
                replaceOnChanges: ["spec.controller"],
                deleteBeforeReplace: true,
            });
            const service = replaceIngressClassOnNewController({
                custom: true,
                type: "kubernetes:core/v1:Service",
                name: "ingress-chart:ingress-nginx/ingress-nginx-controller",
                opts: {},
                props: {},
            });
            assert.strictEqual(service, undefined);
        });
    });

    describe("constructed directly", () => {
        const settings = {
            controller: "nginx-ingress" as const,
            namespace: "edge",
            releaseName: "edge",
            chart: {
                kind: "repository" as const,
                chart: "nginx-ingress",
                version: "2.6.4",
                repository: "https://helm.nginx.com/stable",
            },
            reservation: "edge-pool",
            reservedAddress: "fd00:1::249",
            ingressClassName: "edge",
            externalTrafficPolicy: "Local" as const,
        };

        it("asks for the reserved address from its pool, after the pools it is given", async () => {
            const run = await runComponents(() => {
                const pool = new Pool("edge-pool");
                new IngressController("edge", { ingress: settings, addressPools: [pool] });
            });
            const chart = findResource(run, chartType, "edge-chart");
            const service = (chart.inputs.values as Editable).controller.service;
            assert.deepStrictEqual(service.annotations, {
                "metallb.io/loadBalancerIPs": "fd00:1::249",
                "metallb.io/address-pool": "edge-pool",
            });
            assert.deepStrictEqual([service.externalTrafficPolicy, service.ipFamilies], ["Local", ["IPv6"]]);
            assert.ok(chart.dependencies.includes(findResource(run, "test:index:Pool", "edge-pool").urn));
            // F5's chart has no admission webhook: no certificate Jobs.
            assert.deepStrictEqual(resourcesOfType(run, "kubernetes:batch/v1:Job"), []);
        });
    });
});
