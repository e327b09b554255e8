// The typed model of one stack's settings, after validation. A section that one component takes
// whole has that component's own type (the component says what each field does); index.ts hands
// each component the parts it uses. Components never read Pulumi config themselves. IPs and
// resource sizes stay plain values (never Outputs) so policies can check them during
// `pulumi preview`.

import type { AdmissionGuardSettings } from "../components/admissionRules";
import type { ArgoWorkflowsSettings } from "../components/argo";
import type { IngressSettings } from "../components/ingress";
import type { MetallbArgs } from "../components/metallb";
import type { GovernedNamespace } from "../components/namespaceGovernance";
import type { DnsProbeSettings } from "../components/serviceDiscovery";
import { ServicePort } from "../lib/kubernetes/serviceDns";
import { PoolPlan } from "../lib/metallb/poolLayout";

export interface NetworkSettings {
    /** The home network the cluster's nodes and MetalLB pools live in, e.g. 192.168.1.0/24. */
    lanCidr: string;
    /** k3s `--cluster-cidr` (pod addresses). */
    podCidr: string;
    /** k3s `--service-cidr` (ClusterIP addresses). */
    serviceCidr: string;
    /** k3s `--cluster-domain`. */
    clusterDomain: string;
    /**
     * The nodes' own addresses (IPs or CIDRs). The egress rules close them to the governed
     * namespaces' pods, but for the API server's port and `nodePorts`. Empty: not closed.
     */
    nodeAddresses: string[];
    /** The port the API server listens on at the nodes' addresses (k3s: 6443). */
    apiServerPort: number;
    /** Ports of the nodes' addresses that pods of the governed namespaces may reach (node-exporter's 9100...). */
    nodePorts: number[];
}

/**
 * The MetalLB chart and advertisement (what the Metallb component takes besides the pools), and
 * what the pools are planned from: `generalPool.name`, `generalPool.addresses` as written, and
 * `reservations`.
 */
export interface MetallbSettings
    extends Pick<MetallbArgs, "namespace" | "releaseName" | "chart" | "chartValues" | "l2AdvertisementName">,
        PoolPlan {}

/** `ingress.controller`: which chart the IngressController installs. */
export type IngressController = IngressSettings["controller"];

/** An in-cluster Service the platform depends on, reached by its cluster DNS name. */
export interface ServiceEndpoint extends ServicePort {
    /** Its key under `services`, which `namespaces.<name>.egressServices` entries name. */
    key: string;
    /** The variable name workflows read the URL from, e.g. MLFLOW_TRACKING_URI. */
    variable: string;
}

export interface StackSettings {
    network: NetworkSettings;
    metallb: MetallbSettings;
    /** `reservedAddress` is the address of the reservation `ingress.reservation` names. */
    ingress: IngressSettings;
    /** Pull policies are `IfNotPresent` and the server enabled when left out. */
    argo: ArgoWorkflowsSettings;
    namespaces: GovernedNamespace[];
    services: ServiceEndpoint[];
    dnsProbe: DnsProbeSettings;
    /** Skip the provider's readiness waits (for control planes without nodes, such as the local test stack). */
    skipAwait: boolean;
    /** What the API server does with a request the admission guard refuses. */
    admissionGuard: AdmissionGuardSettings;
}
