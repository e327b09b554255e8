// The typed model of one stack's settings, after validation. Components receive these values and
// never read Pulumi config themselves. IPs and resource sizes stay plain values (never Outputs) so
// policies can check them during `pulumi preview`.

/** Where a Helm chart comes from: a repository (default) or a local directory / .tgz for air-gapped clusters. */
export type ChartSource =
    | { kind: "repository"; chart: string; version: string; repository: string }
    | { kind: "path"; path: string };

export type ResourceName = "cpu" | "memory";

/** A container's requests and limits, e.g. `{ requests: { cpu: "100m" }, limits: { memory: "256Mi" } }`. */
export interface ContainerResources {
    requests: Partial<Record<ResourceName, string>>;
    limits: Partial<Record<ResourceName, string>>;
}

export interface NetworkSettings {
    /** The home network the cluster's nodes and MetalLB pools live in, e.g. 192.168.1.0/24. */
    lanCidr: string;
    /** k3s `--cluster-cidr` (pod addresses). */
    podCidr: string;
    /** k3s `--service-cidr` (ClusterIP addresses). */
    serviceCidr: string;
    /** k3s `--cluster-domain`. */
    clusterDomain: string;
}

/** A pool that holds exactly one reserved address, carved out of the general pool. */
export interface Reservation {
    /** Name of the dedicated IPAddressPool, e.g. `ingress-pool`. */
    pool: string;
    address: string;
}

export interface MetallbSettings {
    namespace: string;
    releaseName: string;
    chart: ChartSource;
    /** The auto-assign pool, e.g. `homelab-pool`. */
    generalPoolName: string;
    /** The general range as written in config (`a-b` or CIDR); the pool gets it minus the reservations. */
    generalRange: string;
    reservations: Reservation[];
    l2AdvertisementName: string;
}

/** The split that the stack declares: computed from MetallbSettings, never typed twice. */
export interface PoolLayout {
    generalPool: { name: string; addresses: string[] };
    reservedPools: { name: string; address: string; addresses: string[] }[];
}

export type IngressController = "ingress-nginx" | "nginx-ingress";

export interface IngressSettings {
    /** `ingress-nginx` (community, retired 2026-03) or `nginx-ingress` (F5, maintained). */
    controller: IngressController;
    namespace: string;
    releaseName: string;
    chart: ChartSource;
    /** Name of the reservation (its pool) whose address the ingress Service requests. */
    reservation: string;
    ingressClassName: string;
    externalTrafficPolicy: "Cluster" | "Local";
}

export type ImagePullPolicy = "Always" | "IfNotPresent" | "Never";

export interface ArgoSettings {
    namespace: string;
    releaseName: string;
    chart: ChartSource;
    /** Namespaces that run workflows: each gets the workflow ServiceAccount, Role and endpoints ConfigMap. */
    workflowNamespaces: string[];
    workflowServiceAccount: string;
    /** Controller-level `executor.resources`: the `init` and `wait` containers of every workflow pod. */
    executorResources: ContainerResources;
    /** Controller-level `mainContainer.resources`: defaults under each template's main container. */
    mainContainerResources: ContainerResources;
    /** Pull policy of the `init` and `wait` containers (`argo.imagePullPolicy.executor`). */
    executorImagePullPolicy: ImagePullPolicy;
    /** Pull policy merged under each step's main container (`argo.imagePullPolicy.mainContainer`). */
    mainContainerImagePullPolicy: ImagePullPolicy;
    /** Whether the chart runs the Argo Server, the UI and API (`argo.server.enabled`, default true). */
    serverEnabled: boolean;
}

export interface LimitRangeSettings {
    default: Partial<Record<ResourceName, string>>;
    defaultRequest: Partial<Record<ResourceName, string>>;
    max: Partial<Record<ResourceName, string>>;
}

export interface GovernedNamespace {
    name: string;
    /** ResourceQuota `spec.hard`, e.g. `{ "requests.cpu": "4", "limits.memory": "16Gi", pods: "50" }`. */
    quota: Record<string, string>;
    limitRange: LimitRangeSettings;
    /** Names of entries in `services` that pods here may reach; DNS egress is always allowed. */
    egressServices: string[];
}

/** An in-cluster Service the platform depends on, reached by its cluster DNS name. */
export interface ServiceEndpoint {
    key: string;
    namespace: string;
    service: string;
    port: number;
    scheme: string;
    /** The variable name workflows read the URL from, e.g. MLFLOW_TRACKING_URI. */
    variable: string;
}

export interface DnsProbeSettings {
    image: string;
    resources: ContainerResources;
}

export interface StackSettings {
    network: NetworkSettings;
    metallb: MetallbSettings;
    pools: PoolLayout;
    ingress: IngressSettings & { reservedAddress: string };
    argo: ArgoSettings;
    namespaces: GovernedNamespace[];
    services: ServiceEndpoint[];
    dnsProbe: DnsProbeSettings;
    /** Skip the provider's readiness waits (for control planes without nodes, such as the local test stack). */
    skipAwait: boolean;
}

/** The cluster-DNS URL of a service, e.g. http://mlflow.mlflow.svc.cluster.local:5000. */
export function serviceUrl(endpoint: ServiceEndpoint, clusterDomain: string): string {
    return `${endpoint.scheme}://${serviceHostname(endpoint, clusterDomain)}:${endpoint.port}`;
}

export function serviceHostname(endpoint: ServiceEndpoint, clusterDomain: string): string {
    return `${endpoint.service}.${endpoint.namespace}.svc.${clusterDomain}`;
}
