// MetalLB: the chart, the general address pool, one pool per reserved address and the L2
// announcement of all of them.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartSource } from "../lib/helm/chartSource";
import { PoolLayout } from "../lib/metallb/poolLayout";
import { installChart } from "./chartRelease";

const poolApiVersion = "metallb.io/v1beta1";

/**
 * The pools and the advertisement are the stack's alone. They may already exist, made by hand
 * (`kubectl apply`) with other values, or be edited later: take the fields the stack sets back
 * instead of failing on the other field manager's claim.
 */
const ownedOutright = { "pulumi.com/patchForce": "true" };

/** Marks the reserved pools (`PoolLayout.reservedPools`), one address each. */
export const reservedPoolLabel = "homelab-platform/reserved-pool";

/**
 * A transform for the MetalLB chart: its CRDs survive `pulumi destroy`. They carry no
 * `helm.sh/resource-policy: keep` upstream, and deleting a CRD deletes every object of its kind:
 * every pool, the hand-made ones included.
 */
export const keepCustomResourceDefinitions: pulumi.ResourceTransform = (args) => {
    if (args.type !== "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition") {
        return undefined;
    }
    return { props: args.props, opts: { ...args.opts, retainOnDelete: true } };
};

/**
 * A transform for the MetalLB chart: its pool webhook (in `metallb-webhook-configuration`) skips
 * the reserved pools this stack declares, by namespace and name, so that a reserved pool can be
 * added while the general pool still holds its address. Every other pool is checked against
 * every pool, reserved ones included: the general pool, and any pool made by hand, even one that
 * carries `reservedPoolLabel`. MetalLB's controller applies no overlapping set of pools.
 * (Webhook `matchConditions`: GA in Kubernetes 1.30.)
 */
export function reservedPoolsSkipPoolWebhook(
    namespace: string,
    reservedPools: string[],
): pulumi.ResourceTransform {
    const quoted = (text: string) => `'${text}'`;
    // `object` is null on DELETE, which the pool webhook is not called for anyway.
    const notReservedPool = {
        name: "not-a-reserved-pool-of-homelab-platform",
        expression:
            `object == null || request.namespace != ${quoted(namespace)} || ` +
            `!(object.metadata.name in [${reservedPools.map(quoted).join(", ")}])`,
    };
    return (args) => {
        if (
            args.type !== "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration" ||
            args.props?.metadata?.name !== "metallb-webhook-configuration"
        ) {
            return undefined;
        }
        const webhooks = (args.props.webhooks ?? []).map((webhook: Record<string, unknown>) =>
            webhook.name === "ipaddresspoolvalidationwebhook.metallb.io"
                ? { ...webhook, matchConditions: [notReservedPool] }
                : webhook,
        );
        return { props: { ...args.props, webhooks }, opts: args.opts };
    };
}

/** An IPAddressPool's `spec.serviceAllocation`: the namespaces and labels of the Services it serves. */
export interface ServiceAllocation {
    namespaces: string[];
    serviceSelectors: { matchLabels: Record<string, string> }[];
}

export interface MetallbArgs {
    /** The namespace of the chart, the pools and the advertisement, e.g. `metallb-system`. */
    namespace: string;
    /** The Helm release name, e.g. `metallb`. */
    releaseName: string;
    /** Where the `metallb` chart comes from. */
    chart: ChartSource;
    /** The user's own chart values (`charts.metallb.values`); the stack sets none of its own. Defaults to none. */
    chartValues?: Record<string, unknown>;
    /** The general pool and one pool per reserved address (lib/metallb/poolLayout.ts planPools). */
    pools: PoolLayout;
    /**
     * Who may take each reserved pool's address, keyed by pool name: MetalLB's own
     * `serviceAllocation`, so that it never gives the address to another Service, even one that
     * pins the pool. Defaults to none (any Service that pins the pool).
     */
    reservedFor?: Record<string, ServiceAllocation>;
    /** The L2Advertisement that announces every pool, e.g. `homelab-l2`. */
    l2AdvertisementName: string;
    /** Skip the chart's readiness waits, for control planes without nodes. Defaults to false. */
    skipAwait?: boolean;
}

/**
 * Installs MetalLB and declares its address pools. The general pool has every reserved address cut
 * out of it, and each reserved address gets an `autoAssign: false` pool of its own: MetalLB rejects
 * overlapping pools, and a reserved address left in an auto-assign pool could be handed to any other
 * LoadBalancer Service first.
 */
export class Metallb extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly chart: k8s.helm.v4.Chart;
    /** The auto-assign pool, e.g. `homelab-pool`. */
    readonly generalPool: k8s.apiextensions.CustomResource;
    /** One pool per reservation, keyed by pool name, e.g. `ingress-pool`. */
    readonly reservedPools: Record<string, k8s.apiextensions.CustomResource>;
    /** Every pool: a Service that requests an address from them must be declared after these. */
    readonly pools: k8s.apiextensions.CustomResource[];
    readonly l2Advertisement: k8s.apiextensions.CustomResource;

    constructor(name: string, args: MetallbArgs, opts?: pulumi.ComponentResourceOptions) {
        const { pools } = args;
        super("homelab:platform:Metallb", name, args, opts);

        const release = installChart(this, name, {
            source: args.chart,
            releaseName: args.releaseName,
            namespace: args.namespace,
            // The speaker runs with host networking and NET_RAW to answer ARP for the pools.
            namespaceLabels: {
                "pod-security.kubernetes.io/enforce": "privileged",
                "pod-security.kubernetes.io/audit": "privileged",
                "pod-security.kubernetes.io/warn": "privileged",
            },
            values: args.chartValues ?? {},
            skipAwait: args.skipAwait,
            transforms: [
                keepCustomResourceDefinitions,
                reservedPoolsSkipPoolWebhook(
                    args.namespace,
                    pools.reservedPools.map((pool) => pool.name),
                ),
            ],
        });
        this.namespace = release.namespace;
        this.chart = release.chart;

        // The pools and their advertisement are the LAN's address plan: `pulumi destroy` leaves
        // them (and the CRDs) in place, so that Services keep their addresses (0001).
        //
        // A reserved pool goes in before the general pool gives its address up. MetalLB's
        // controller ignores a set of pools that overlap and keeps the last valid one, so until
        // the general pool shrinks, a Service holding the address keeps it from the general pool;
        // the shrink then moves it to the reserved pool in one step. The other order leaves the
        // address in no pool for a moment, and MetalLB takes it from the Service (0001).
        this.reservedPools = {};
        for (const reserved of pools.reservedPools) {
            this.reservedPools[reserved.name] = new k8s.apiextensions.CustomResource(
                `${name}-${reserved.name}`,
                {
                    apiVersion: poolApiVersion,
                    kind: "IPAddressPool",
                    metadata: {
                        name: reserved.name,
                        namespace: args.namespace,
                        labels: { [reservedPoolLabel]: "true" },
                        annotations: ownedOutright,
                    },
                    spec: {
                        addresses: reserved.addresses,
                        autoAssign: false,
                        ...(args.reservedFor?.[reserved.name]
                            ? { serviceAllocation: args.reservedFor[reserved.name] }
                            : {}),
                    },
                },
                { parent: this, dependsOn: [this.chart], retainOnDelete: true },
            );
        }

        // Needs the chart's CRDs and its validating webhook, which only answers once the
        // controller runs; the webhook checks it against the reserved pools.
        this.generalPool = new k8s.apiextensions.CustomResource(
            `${name}-${pools.generalPool.name}`,
            {
                apiVersion: poolApiVersion,
                kind: "IPAddressPool",
                metadata: {
                    name: pools.generalPool.name,
                    namespace: args.namespace,
                    annotations: ownedOutright,
                },
                spec: { addresses: pools.generalPool.addresses, autoAssign: true },
            },
            {
                parent: this,
                dependsOn: [this.chart, ...Object.values(this.reservedPools)],
                retainOnDelete: true,
            },
        );
        this.pools = [this.generalPool, ...Object.values(this.reservedPools)];

        // Without an advertisement covering a pool, its addresses are assigned but never announced.
        this.l2Advertisement = new k8s.apiextensions.CustomResource(
            `${name}-${args.l2AdvertisementName}`,
            {
                apiVersion: poolApiVersion,
                kind: "L2Advertisement",
                metadata: {
                    name: args.l2AdvertisementName,
                    namespace: args.namespace,
                    annotations: ownedOutright,
                },
                spec: {
                    ipAddressPools: [pools.generalPool.name, ...pools.reservedPools.map((pool) => pool.name)],
                },
            },
            { parent: this, dependsOn: [this.chart, ...this.pools], retainOnDelete: true },
        );

        this.registerOutputs({
            namespace: this.namespace,
            chart: this.chart,
            generalPool: this.generalPool,
            reservedPools: this.reservedPools,
            l2Advertisement: this.l2Advertisement,
        });
    }
}
