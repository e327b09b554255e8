// Service discovery for workflows: the cluster-DNS URLs of the platform's services, and a Job
// that proves those names resolve from inside each workflow namespace.

import * as k8s from "@pulumi/kubernetes";
import * as kx from "@pulumi/kubernetesx";
import * as pulumi from "@pulumi/pulumi";
import { ContainerResources } from "../lib/kubernetes/resources";
import { serviceHostname, ServicePort, serviceUrl } from "../lib/kubernetes/serviceDns";

/** A service whose cluster-DNS URL workflows read from a variable. */
export interface PublishedService extends ServicePort {
    /** The variable name workflows read the URL from, e.g. MLFLOW_TRACKING_URI. */
    variable: string;
}

/** The probe Job's container. */
export interface DnsProbeSettings {
    /** An image with a shell and busybox's `nslookup`. */
    image: string;
    resources: ContainerResources;
}

export interface ServiceDiscoveryArgs {
    /** Namespaces that get the endpoints ConfigMap and the DNS probe: the workflow namespaces. */
    namespaces: string[];
    /** The services to publish and resolve; no two may use one variable. */
    services: PublishedService[];
    /** k3s `--cluster-domain`, e.g. `cluster.local`. */
    clusterDomain: string;
    /** Image and container resources of the probe. */
    dnsProbe: DnsProbeSettings;
    /**
     * What the ConfigMaps and probes wait for: the governed namespaces with their quota, LimitRange
     * and NetworkPolicies, so the probe runs under the real egress rules. Defaults to none.
     */
    governance?: pulumi.Resource[];
    /** Annotate the probe Jobs so the provider does not wait for them to finish. Defaults to false. */
    skipAwait?: boolean;
}

/** Name of the ConfigMap that workflows load with `envFrom`. */
export const endpointsConfigMapName = "platform-endpoints";

/**
 * The probe script: resolves each name given as an argument, prints one line per name, and exits
 * non-zero naming every name that failed. busybox `nslookup` exits 1 on NXDOMAIN and on timeouts.
 */
export const dnsProbeScript = [
    'failed=""',
    'for name in "$@"; do',
    '  if answer=$(nslookup "$name" 2>&1); then',
    '    echo "resolved $name"',
    "  else",
    '    echo "FAILED $name: $(echo "$answer" | tr "\\n" " ")"',
    '    failed="$failed $name"',
    "  fi",
    "done",
    'if [ -n "$failed" ]; then',
    '  echo "unresolved:$failed"',
    "  exit 1",
    "fi",
].join("\n");

/**
 * Publishes each service's cluster-DNS URL (e.g. `MLFLOW_TRACKING_URI:
 * http://mlflow.mlflow.svc.cluster.local:5000`) in a ConfigMap per workflow namespace, replacing the
 * LoadBalancer IPs workflows used when DNS failed, and runs a DNS probe Job there.
 *
 * The probe Jobs are auto-named: any change to their spec replaces them, so they run again.
 */
export class ServiceDiscovery extends pulumi.ComponentResource {
    /** Variable name → cluster-DNS URL, e.g. `{ MLFLOW_TRACKING_URI: "http://mlflow.mlflow.svc.cluster.local:5000" }`. */
    readonly endpoints: Record<string, string>;
    /** Every name the probe resolves: each service, then the API server's Service. */
    readonly probedHostnames: string[];
    /** Endpoints ConfigMaps, keyed by namespace. */
    readonly configMaps: Record<string, k8s.core.v1.ConfigMap>;
    /** DNS probe Jobs, keyed by namespace. */
    readonly dnsProbes: Record<string, kx.Job>;

    constructor(name: string, args: ServiceDiscoveryArgs, opts?: pulumi.ComponentResourceOptions) {
        // The settings validation reports this with the config paths before any component is
        // declared; the check here keeps a direct caller from publishing one variable twice.
        const variables = new Set<string>();
        for (const service of args.services) {
            if (variables.has(service.variable)) {
                throw new Error(
                    `ServiceDiscovery ${name}: services: variable "${service.variable}" is used by more than one service`,
                );
            }
            variables.add(service.variable);
        }
        super("homelab:platform:ServiceDiscovery", name, args, opts);

        this.endpoints = Object.fromEntries(
            args.services.map((service) => [service.variable, serviceUrl(service, args.clusterDomain)]),
        );
        this.probedHostnames = [
            ...args.services.map((service) =>
                serviceHostname(service.service, service.namespace, args.clusterDomain),
            ),
            `kubernetes.default.svc.${args.clusterDomain}`,
        ];

        this.configMaps = {};
        this.dnsProbes = {};
        const after = { parent: this, dependsOn: args.governance ?? [] };
        for (const namespace of args.namespaces) {
            const childName = `${name}-${namespace}`;
            this.configMaps[namespace] = new k8s.core.v1.ConfigMap(
                `${childName}-endpoints`,
                { metadata: { name: endpointsConfigMapName, namespace }, data: this.endpoints },
                after,
            );

            // Explicit requests and limits, so the pod passes quota admission whatever the
            // LimitRange defaults are; busybox's nslookup runs fine as nobody.
            const probePod = new kx.PodBuilder({
                restartPolicy: "Never",
                automountServiceAccountToken: false,
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: 65534,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [
                    {
                        name: "dns-probe",
                        image: args.dnsProbe.image,
                        command: ["/bin/sh", "-c", dnsProbeScript, "dns-probe", ...this.probedHostnames],
                        resources: {
                            requests: args.dnsProbe.resources.requests,
                            limits: args.dnsProbe.resources.limits,
                        },
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            capabilities: { drop: ["ALL"] },
                        },
                    },
                ],
            });
            this.dnsProbes[namespace] = new kx.Job(
                `${childName}-dns-probe`,
                {
                    metadata: {
                        namespace,
                        labels: {
                            "app.kubernetes.io/name": "dns-probe",
                            "app.kubernetes.io/part-of": "homelab-platform",
                        },
                        // Without a kubelet the Job never completes; the provider would wait forever.
                        ...(args.skipAwait ? { annotations: { "pulumi.com/skipAwait": "true" } } : {}),
                    },
                    spec: probePod.asJobSpec({ backoffLimit: 1, activeDeadlineSeconds: 120 }),
                },
                after,
            );
        }

        this.registerOutputs({
            endpoints: this.endpoints,
            configMaps: this.configMaps,
            dnsProbes: this.dnsProbes,
        });
    }
}
