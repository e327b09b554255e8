// The NGINX ingress controller, its LoadBalancer Service pinned to a reserved MetalLB address.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartSource } from "../lib/helm/chartSource";
import { parseIp } from "../lib/addresses/ip";
import { chartValuesOrThrow } from "../lib/helm/values";
import { installChart } from "./chartRelease";
import { IngressAdmissionCertificate, certgenImageOf, ingressNginxFullname } from "./ingressAdmission";
import { metallbAnnotations } from "../lib/metallb/annotations";

/** The controller, its chart and the address its Service requests. */
export interface IngressSettings {
    /** `ingress-nginx` (the community chart, retired 2026-03) or `nginx-ingress` (F5's). */
    controller: "ingress-nginx" | "nginx-ingress";
    /** The namespace of the chart and its Service. */
    namespace: string;
    releaseName: string;
    /** Where the chart named by `controller` comes from. */
    chart: ChartSource;
    /** The user's own chart values (`charts.<controller>.values`), merged under the stack's. Defaults to none. */
    chartValues?: Record<string, unknown>;
    /** The MetalLB pool that holds only `reservedAddress`; the Service pins it. */
    reservation: string;
    /** The address the controller's LoadBalancer Service requests, e.g. 192.168.1.249. */
    reservedAddress: string;
    /** The IngressClass the chart creates, made the cluster's default. */
    ingressClassName: string;
    externalTrafficPolicy: "Cluster" | "Local";
}

export interface IngressControllerArgs {
    ingress: IngressSettings;
    /**
     * The MetalLB pools. The chart waits for them: a Service that asks for an address no pool holds
     * yet stays pending.
     */
    addressPools: pulumi.Resource[];
    /** Skip the chart's readiness waits, for control planes without nodes. Defaults to false. */
    skipAwait?: boolean;
}

/**
 * The Service annotations that request the reserved address from its dedicated pool. The address is
 * requested only this way: `spec.loadBalancerIP` is deprecated, and MetalLB refuses a Service that
 * sets it together with the annotation.
 */
export function reservedAddressAnnotations(ingress: IngressSettings): Record<string, string> {
    return {
        [metallbAnnotations.loadBalancerIps[0]]: ingress.reservedAddress,
        [metallbAnnotations.addressPool[0]]: ingress.reservation,
    };
}

/**
 * The labels the chosen chart puts on the controller's Service, which MetalLB's `serviceAllocation`
 * on the reserved pool selects: the chart's name (or `nameOverride`), the release, and for
 * ingress-nginx the component (its admission webhook's Service is another component).
 */
export function ingressServiceLabels(ingress: IngressSettings): Record<string, string> {
    const values = ingress.chartValues ?? {};
    const nameOverride = values.nameOverride;
    const name = typeof nameOverride === "string" && nameOverride !== "" ? nameOverride : ingress.controller;
    switch (ingress.controller) {
        case "ingress-nginx":
            return {
                "app.kubernetes.io/name": name,
                "app.kubernetes.io/instance": ingress.releaseName,
                "app.kubernetes.io/component": "controller",
            };
        case "nginx-ingress": {
            // F5's chart takes its selector labels from controller.selectorLabels when given.
            const controller = values.controller as Record<string, unknown> | undefined;
            const selectorLabels = controller?.selectorLabels as Record<string, string> | undefined;
            if (selectorLabels && Object.keys(selectorLabels).length > 0) {
                return { ...selectorLabels };
            }
            return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": ingress.releaseName };
        }
    }
}

/** Chart values for the chosen controller; the two charts spell the ingress class settings differently. */
export function ingressChartValues(ingress: IngressSettings): Record<string, unknown> {
    const service = {
        type: "LoadBalancer",
        annotations: reservedAddressAnnotations(ingress),
        externalTrafficPolicy: ingress.externalTrafficPolicy,
        // Both charts render these; ingress-nginx defaults to IPv4, and MetalLB will not give a
        // Service an address of another family.
        ipFamilyPolicy: "SingleStack",
        ipFamilies: [parseIp(ingress.reservedAddress)?.family === 6 ? "IPv6" : "IPv4"],
    };
    switch (ingress.controller) {
        case "ingress-nginx":
            return {
                controller: {
                    service,
                    ingressClass: ingress.ingressClassName,
                    ingressClassResource: { name: ingress.ingressClassName, default: true },
                },
            };
        case "nginx-ingress":
            return {
                controller: {
                    service,
                    ingressClass: { name: ingress.ingressClassName, create: true, setAsDefaultIngress: true },
                },
            };
    }
}

/**
 * A transform for the ingress chart: its IngressClass is replaced, not updated, when the
 * controller behind it changes (`ingress.controller`), since the API server refuses any change of
 * `spec.controller`.
 */
export const replaceIngressClassOnNewController: pulumi.ResourceTransform = (args) => {
    if (args.type !== "kubernetes:networking.k8s.io/v1:IngressClass") {
        return undefined;
    }
    return {
        props: args.props,
        opts: { ...args.opts, replaceOnChanges: ["spec.controller"], deleteBeforeReplace: true },
    };
};

/**
 * Installs the community `ingress-nginx` chart (retired 2026-03, the default) or F5's maintained
 * `nginx-ingress` chart, as the cluster's default ingress class.
 */
export class IngressController extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly chart: k8s.helm.v4.Chart;
    /** The address the controller's Service is given, e.g. 192.168.1.249. */
    readonly reservedAddress: string;
    /** ingress-nginx only: the admission webhook's certificate, which the chart makes with hooks. */
    readonly admissionCertificate?: IngressAdmissionCertificate;

    constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        const { ingress } = args;
        if (ingress.reservedAddress === "") {
            throw new Error(
                `IngressController ${name}: ingress.reservedAddress is empty: ` +
                    `reservation "${ingress.reservation}" must name a pool with an address`,
            );
        }
        super("homelab:platform:IngressController", name, args, opts);
        this.reservedAddress = ingress.reservedAddress;

        const values = chartValuesOrThrow(
            `charts.${ingress.controller}.values`,
            ingress.chartValues ?? {},
            ingressChartValues(ingress),
        );
        const release = installChart(this, name, {
            source: ingress.chart,
            releaseName: ingress.releaseName,
            namespace: ingress.namespace,
            values,
            skipAwait: args.skipAwait,
            dependsOn: args.addressPools,
            transforms: [replaceIngressClassOnNewController],
        });
        this.namespace = release.namespace;
        this.chart = release.chart;

        // F5's chart has no admission webhook and no hooks.
        if (ingress.controller === "ingress-nginx") {
            this.admissionCertificate = new IngressAdmissionCertificate(
                `${name}-admission`,
                {
                    fullname: ingressNginxFullname(ingress.releaseName),
                    ...certgenImageOf(values),
                    namespace: ingress.namespace,
                    chart: this.chart,
                    dependsOn: [this.namespace],
                },
                { parent: this },
            );
        }

        this.registerOutputs({
            namespace: this.namespace,
            chart: this.chart,
            reservedAddress: this.reservedAddress,
        });
    }
}
