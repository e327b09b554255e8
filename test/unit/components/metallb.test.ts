import * as assert from "assert";
import {
    keepCustomResourceDefinitions,
    reservedPoolsSkipPoolWebhook,
    Metallb,
} from "../../../components/metallb";
import { planPools } from "../../../lib/metallb/poolLayout";
import {
    findObject,
    findResource,
    ProgramRun,
    runComponents,
    runProgram,
    stackSettings,
} from "../../harness/program";
import { Editable } from "../../harness/stackConfig";

const poolType = "kubernetes:metallb.io/v1beta1:IPAddressPool";

/** The homelab settings with a different general range and reservations (the ingress keeps `ingress-pool`). */
function withPools(addresses: string, reservations: { pool: string; address: string }[]) {
    const metallb = stackSettings().metallb as Editable;
    metallb.generalPool.addresses = addresses;
    metallb.reservations = reservations;
    return { overrides: { metallb } };
}

/** Who may take the ingress's reserved address: the ingress-nginx controller's Service alone. */
const ingressAllocation = {
    namespaces: ["ingress-nginx"],
    serviceSelectors: [
        {
            matchLabels: {
                "app.kubernetes.io/name": "ingress-nginx",
                "app.kubernetes.io/instance": "ingress-nginx",
                "app.kubernetes.io/component": "controller",
            },
        },
    ],
};

/** Every IPAddressPool as `name → { addresses, autoAssign }`. */
function poolSpecs(run: ProgramRun): Record<string, unknown> {
    return Object.fromEntries(
        run.resources
            .filter((resource) => resource.type === poolType)
            .map((resource) => [(resource.inputs.metadata as Editable).name, resource.inputs.spec]),
    );
}

describe("Metallb", () => {
    describe("homelab stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram();
        });

        it("splits the general pool around 192.168.1.249 and gives it a pool of its own", () => {
            assert.deepStrictEqual(poolSpecs(run), {
                "homelab-pool": {
                    addresses: ["192.168.1.200-192.168.1.248", "192.168.1.250/32"],
                    autoAssign: true,
                },
                "ingress-pool": {
                    addresses: ["192.168.1.249/32"],
                    autoAssign: false,
                    serviceAllocation: ingressAllocation,
                },
            });
        });

        it("puts the pools in the MetalLB namespace, taking over what another field manager set", () => {
            const general = findObject(run, "IPAddressPool", "homelab-pool");
            assert.deepStrictEqual(general.inputs.metadata, {
                name: "homelab-pool",
                namespace: "metallb-system",
                annotations: { "pulumi.com/patchForce": "true" },
            });
            assert.strictEqual(general.inputs.apiVersion, "metallb.io/v1beta1");
            const reserved = findObject(run, "IPAddressPool", "ingress-pool");
            assert.deepStrictEqual(reserved.inputs.metadata, {
                name: "ingress-pool",
                namespace: "metallb-system",
                labels: { "homelab-platform/reserved-pool": "true" },
                annotations: { "pulumi.com/patchForce": "true" },
            });
        });

        it("announces every pool in one L2Advertisement", () => {
            const advertisement = findObject(run, "L2Advertisement", "homelab-l2", "metallb-system");
            assert.deepStrictEqual(advertisement.inputs.spec, {
                ipAddressPools: ["homelab-pool", "ingress-pool"],
            });
        });

        it("installs the pinned chart into a privileged namespace", () => {
            const chart = findResource(run, "kubernetes:helm.sh/v4:Chart", "metallb-chart");
            assert.deepStrictEqual(chart.inputs, {
                chart: "metallb",
                version: (stackSettings().charts as Editable).metallb.version,
                repositoryOpts: { repo: "https://metallb.github.io/metallb" },
                name: "metallb",
                namespace: "metallb-system",
                // The homelab sets no chart values of its own (charts.metallb.values).
                values: {},
                skipAwait: false,
            });
            const namespace = findObject(run, "Namespace", "metallb-system");
            assert.deepStrictEqual(namespace.inputs.metadata, {
                name: "metallb-system",
                labels: {
                    "pod-security.kubernetes.io/enforce": "privileged",
                    "pod-security.kubernetes.io/audit": "privileged",
                    "pod-security.kubernetes.io/warn": "privileged",
                },
            });
            assert.deepStrictEqual(chart.dependencies, [namespace.urn]);
        });

        it("declares the pools after the chart, and shrinks the general pool after the reserved pool exists", () => {
            const chart = findResource(run, "kubernetes:helm.sh/v4:Chart", "metallb-chart");
            const general = findObject(run, "IPAddressPool", "homelab-pool");
            const reserved = findObject(run, "IPAddressPool", "ingress-pool");
            const advertisement = findObject(run, "L2Advertisement", "homelab-l2");
            assert.deepStrictEqual(reserved.dependencies, [chart.urn]);
            assert.deepStrictEqual(general.dependencies.sort(), [chart.urn, reserved.urn].sort());
            assert.deepStrictEqual(
                advertisement.dependencies.sort(),
                [chart.urn, general.urn, reserved.urn].sort(),
            );
        });

        it("parents every MetalLB resource to the component", () => {
            const component = findResource(run, "homelab:platform:Metallb", "metallb");
            const children = run.resources.filter((resource) => resource.parent === component.urn);
            assert.deepStrictEqual(children.map((resource) => resource.name).sort(), [
                "metallb-chart",
                "metallb-homelab-l2",
                "metallb-homelab-pool",
                "metallb-ingress-pool",
                "metallb-namespace",
            ]);
        });
    });

    describe("other layouts", () => {
        it("cuts several reservations out of one range, each into its own pool", async () => {
            const run = await runProgram(
                withPools("192.168.1.200-192.168.1.250", [
                    { pool: "ingress-pool", address: "192.168.1.249" },
                    { pool: "dns-pool", address: "192.168.1.210" },
                    { pool: "registry-pool", address: "192.168.1.230" },
                ]),
            );
            assert.deepStrictEqual(poolSpecs(run), {
                "homelab-pool": {
                    addresses: [
                        "192.168.1.200-192.168.1.209",
                        "192.168.1.211-192.168.1.229",
                        "192.168.1.231-192.168.1.248",
                        "192.168.1.250/32",
                    ],
                    autoAssign: true,
                },
                "ingress-pool": {
                    addresses: ["192.168.1.249/32"],
                    autoAssign: false,
                    serviceAllocation: ingressAllocation,
                },
                "dns-pool": { addresses: ["192.168.1.210/32"], autoAssign: false },
                "registry-pool": { addresses: ["192.168.1.230/32"], autoAssign: false },
            });
            const advertisement = findObject(run, "L2Advertisement", "homelab-l2");
            assert.deepStrictEqual(advertisement.inputs.spec, {
                ipAddressPools: ["homelab-pool", "ingress-pool", "dns-pool", "registry-pool"],
            });
            const general = findObject(run, "IPAddressPool", "homelab-pool");
            for (const pool of ["ingress-pool", "dns-pool", "registry-pool"]) {
                assert.ok(general.dependencies.includes(findObject(run, "IPAddressPool", pool).urn), pool);
            }
        });

        it("keeps one piece when the reservation is the first address", async () => {
            const run = await runProgram(
                withPools("192.168.1.200-192.168.1.250", [
                    { pool: "ingress-pool", address: "192.168.1.200" },
                ]),
            );
            assert.deepStrictEqual(poolSpecs(run), {
                "homelab-pool": { addresses: ["192.168.1.201-192.168.1.250"], autoAssign: true },
                "ingress-pool": {
                    addresses: ["192.168.1.200/32"],
                    autoAssign: false,
                    serviceAllocation: ingressAllocation,
                },
            });
            assert.strictEqual(run.outputs.ingressAddress, "192.168.1.200");
        });

        it("keeps one piece when the reservation is the last address", async () => {
            const run = await runProgram(
                withPools("192.168.1.200-192.168.1.250", [
                    { pool: "ingress-pool", address: "192.168.1.250" },
                ]),
            );
            assert.deepStrictEqual(poolSpecs(run), {
                "homelab-pool": { addresses: ["192.168.1.200-192.168.1.249"], autoAssign: true },
                "ingress-pool": {
                    addresses: ["192.168.1.250/32"],
                    autoAssign: false,
                    serviceAllocation: ingressAllocation,
                },
            });
        });

        it("splits a CIDR-form range, writing aligned pieces as CIDRs", async () => {
            const run = await runProgram(
                withPools("192.168.1.192/27", [{ pool: "ingress-pool", address: "192.168.1.200" }]),
            );
            assert.deepStrictEqual(poolSpecs(run), {
                "homelab-pool": {
                    addresses: ["192.168.1.192/29", "192.168.1.201-192.168.1.223"],
                    autoAssign: true,
                },
                "ingress-pool": {
                    addresses: ["192.168.1.200/32"],
                    autoAssign: false,
                    serviceAllocation: ingressAllocation,
                },
            });
        });
    });

    describe("the chart's pool webhook", () => {
        const webhookConfiguration = (name: string) => ({
            custom: true,
            type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration",
            name: `metallb-chart:${name}`,
            opts: {},
            props: {
                metadata: { name },
                webhooks: [
                    { name: "bgppeervalidationwebhook.metallb.io", failurePolicy: "Fail" },
                    { name: "ipaddresspoolvalidationwebhook.metallb.io", failurePolicy: "Fail" },
                ],
            },
        });

        it("skips the stack's own reserved pools, by namespace and name, and only those, in MetalLB's pool webhook", () => {
            const result = reservedPoolsSkipPoolWebhook("metallb-system", ["ingress-pool", "dns-pool"])(
                webhookConfiguration("metallb-webhook-configuration"),
            );
            assert.ok(result && !(result instanceof Promise));
            assert.deepStrictEqual(result.props.webhooks, [
                { name: "bgppeervalidationwebhook.metallb.io", failurePolicy: "Fail" },
                {
                    name: "ipaddresspoolvalidationwebhook.metallb.io",
                    failurePolicy: "Fail",
                    matchConditions: [
                        {
                            name: "not-a-reserved-pool-of-homelab-platform",
                            expression:
                                "object == null || request.namespace != 'metallb-system' || " +
                                "!(object.metadata.name in ['ingress-pool', 'dns-pool'])",
                        },
                    ],
                },
            ]);
        });

        it("leaves every other object of the chart alone", () => {
            assert.strictEqual(
                reservedPoolsSkipPoolWebhook("metallb-system", ["ingress-pool"])(
                    webhookConfiguration("another-webhook"),
                ),
                undefined,
            );
            assert.strictEqual(
                reservedPoolsSkipPoolWebhook("metallb-system", ["ingress-pool"])({
                    custom: true,
                    type: "kubernetes:core/v1:Service",
                    name: "metallb-chart:metallb-system/metallb-webhook-service",
                    opts: {},
                    props: { metadata: { name: "metallb-webhook-configuration" } },
                }),
                undefined,
            );
        });
    });

    describe("the chart's CRDs", () => {
        it("are kept by pulumi destroy, and nothing else of the chart is", () => {
            const kept = keepCustomResourceDefinitions({
                custom: true,
                type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
                name: "metallb-chart:ipaddresspools.metallb.io",
                opts: { protect: false },
                props: { metadata: { name: "ipaddresspools.metallb.io" } },
            });
            assert.ok(kept && !(kept instanceof Promise));
            assert.deepStrictEqual(kept.opts, { protect: false, retainOnDelete: true });
            assert.deepStrictEqual(kept.props, { metadata: { name: "ipaddresspools.metallb.io" } });
            const other = keepCustomResourceDefinitions({
                custom: true,
                type: "kubernetes:apps/v1:Deployment",
                name: "metallb-chart:metallb-system/metallb-controller",
                opts: {},
                props: {},
            });
            assert.strictEqual(other, undefined);
        });
    });

    describe("constructed directly", () => {
        const args = {
            namespace: "lb-system",
            releaseName: "lb",
            chart: { kind: "path" as const, path: "test/fixtures/charts/metallb" },
            pools: planPools({
                generalPoolName: "lan-pool",
                generalRange: "10.1.0.0/29",
                reservations: [{ pool: "dns-pool", address: "10.1.0.3" }],
            }),
            l2AdvertisementName: "lan-l2",
        };

        it("takes the chart, the pool layout and the advertisement's name, and nothing else", async () => {
            const run = await runComponents(() => new Metallb("lb", args));
            const component = findResource(run, "homelab:platform:Metallb", "lb");
            assert.deepStrictEqual(Object.keys(component.inputs).sort(), [
                "chart",
                "l2AdvertisementName",
                "namespace",
                "pools",
                "releaseName",
            ]);
            assert.deepStrictEqual(poolSpecs(run), {
                "lan-pool": { addresses: ["10.1.0.0-10.1.0.2", "10.1.0.4/30"], autoAssign: true },
                "dns-pool": { addresses: ["10.1.0.3/32"], autoAssign: false },
            });
            assert.deepStrictEqual(findObject(run, "L2Advertisement", "lan-l2", "lb-system").inputs.spec, {
                ipAddressPools: ["lan-pool", "dns-pool"],
            });
            const chart = findResource(run, "kubernetes:helm.sh/v4:Chart", "lb-chart");
            assert.deepStrictEqual(
                [chart.inputs.name, chart.inputs.namespace, chart.inputs.skipAwait],
                ["lb", "lb-system", false],
            );
        });
    });
});
