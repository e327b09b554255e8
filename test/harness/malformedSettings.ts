// Settings that look plausible and that the API server, MetalLB or the stack's own rules would
// refuse (or quietly change): each must be refused before any resource is declared, naming the key
// and the value. Shared by the unit test (validateSettings) and the integration test (the real CLI).

import { Editable } from "./stackConfig";

export interface MalformedSetting {
    title: string;
    /** Changes the homelab settings (top-level key → value, as in the stack file) in place. */
    edit: (raw: Editable) => void;
    /** The problem line the validation prints, exactly (others may follow from the same edit). */
    problem: string;
}

const seldon = (raw: Editable) => raw.namespaces["seldon-system"];

export const malformedSettings: MalformedSetting[] = [
    // network
    {
        title: "a prefix length beyond 32",
        edit: (raw) => (raw.network.lanCidr = "192.168.1.0/33"),
        problem: 'network.lanCidr: "192.168.1.0/33" is not a valid CIDR (network address / prefix length)',
    },
    {
        title: "a pod CIDR with host bits",
        edit: (raw) => (raw.network.podCidr = "10.42.0.1/16"),
        problem: 'network.podCidr: "10.42.0.1/16" is not a valid CIDR (network address / prefix length)',
    },
    {
        title: "a service CIDR that is not one",
        edit: (raw) => (raw.network.serviceCidr = "ten"),
        problem: 'network.serviceCidr: "ten" is not a valid CIDR (network address / prefix length)',
    },
    {
        title: "Calico's quickstart pod range, which contains the LAN",
        edit: (raw) => (raw.network.podCidr = "192.168.0.0/16"),
        problem:
            'network.podCidr: "192.168.0.0/16" overlaps network.lanCidr "192.168.1.0/24": pod and service addresses must not shadow the home network (a common cause of in-cluster DNS timeouts)',
    },
    {
        title: "an upper-case cluster domain",
        edit: (raw) => (raw.network.clusterDomain = "Cluster.Local"),
        problem: 'network.clusterDomain: "Cluster.Local" is not a valid DNS domain',
    },
    {
        title: "a misspelt network key",
        edit: (raw) => (raw.network.lanCidrs = "192.168.1.0/24"),
        problem: 'network.lanCidrs: "192.168.1.0/24" is not a setting here; did you mean "lanCidr"?',
    },
    // metallb
    {
        title: "a reserved address that is not an IP address",
        edit: (raw) => (raw.metallb.reservations[0].address = "192.168.1.300"),
        problem: 'metallb.reservations[0].address: "192.168.1.300" is not an IP address',
    },
    {
        title: "a reserved address outside the general range",
        edit: (raw) => (raw.metallb.reservations[0].address = "192.168.1.199"),
        problem:
            'metallb.reservations[0].address: "192.168.1.199" is outside metallb.generalPool.addresses "192.168.1.200-192.168.1.250": a reservation is carved out of the general range',
    },
    {
        title: "a reservation on the LAN's broadcast address",
        edit: (raw) => {
            raw.metallb.generalPool.addresses = "192.168.1.128/25";
            raw.metallb.reservations[0].address = "192.168.1.255";
        },
        problem:
            'metallb.reservations[0].address: "192.168.1.255" is the broadcast address of network.lanCidr "192.168.1.0/24": no host on the LAN can reach a Service there',
    },
    {
        title: "a reservation on the LAN's network address",
        edit: (raw) => {
            raw.metallb.generalPool.addresses = "192.168.1.0/25";
            raw.metallb.reservations[0].address = "192.168.1.0";
        },
        problem:
            'metallb.reservations[0].address: "192.168.1.0" is the network address of network.lanCidr "192.168.1.0/24": no host on the LAN can reach a Service there',
    },
    {
        title: "a general pool that is the reservation and nothing else",
        edit: (raw) => (raw.metallb.generalPool.addresses = "192.168.1.249/32"),
        problem:
            'metallb.generalPool.addresses: "192.168.1.249/32" leaves no address for the general pool once metallb.reservations are cut out: MetalLB refuses a pool without addresses',
    },
    {
        title: "one address reserved twice",
        edit: (raw) => raw.metallb.reservations.push({ pool: "dns-pool", address: "192.168.1.249" }),
        problem:
            'metallb.reservations[1].address: "192.168.1.249" is already reserved by metallb.reservations[0].address',
    },
    {
        title: "a reserved pool named like the general pool",
        edit: (raw) => (raw.metallb.reservations[0].pool = "homelab-pool"),
        problem: 'metallb.reservations[0].pool: "homelab-pool" is already used by metallb.generalPool.name',
    },
    {
        title: "a misspelt advertisement key",
        edit: (raw) => {
            raw.metallb.l2AdvertisementNames = raw.metallb.l2AdvertisementName;
            delete raw.metallb.l2AdvertisementName;
        },
        problem:
            'metallb.l2AdvertisementNames: "homelab-l2" is not a setting here; did you mean "l2AdvertisementName"?',
    },
    {
        title: "a reversed range",
        edit: (raw) => (raw.metallb.generalPool.addresses = "192.168.1.250-192.168.1.200"),
        problem:
            'metallb.generalPool.addresses: "192.168.1.250-192.168.1.200" is not an address range MetalLB reads: ' +
            "it starts at 192.168.1.250, after its end 192.168.1.200",
    },
    {
        title: "a general pool off the LAN",
        edit: (raw) => {
            raw.metallb.generalPool.addresses = "10.0.0.0/24";
            raw.metallb.reservations[0].address = "10.0.0.249";
        },
        problem:
            'metallb.generalPool.addresses: "10.0.0.0/24" is not inside network.lanCidr "192.168.1.0/24"',
    },
    {
        title: "a namespace name with capitals",
        edit: (raw) => (raw.metallb.namespace = "MetalLB"),
        problem: 'metallb.namespace: "MetalLB" is not a valid Kubernetes name (lowercase DNS-1123 label)',
    },
    // ingress
    {
        title: "an ingress controller the stack does not install",
        edit: (raw) => (raw.ingress.controller = "traefik"),
        problem: 'ingress.controller: "traefik" must be one of ingress-nginx, nginx-ingress',
    },
    {
        title: "an ingress reservation that does not exist",
        edit: (raw) => (raw.ingress.reservation = "edge-pool"),
        problem: 'ingress.reservation: "edge-pool" is not a pool in metallb.reservations (ingress-pool)',
    },
    {
        title: "a traffic policy in lower case",
        edit: (raw) => (raw.ingress.externalTrafficPolicy = "local"),
        problem: 'ingress.externalTrafficPolicy: "local" must be one of Cluster, Local',
    },
    {
        title: "a misspelt ingress class key",
        edit: (raw) => (raw.ingress.ingressClass = "nginx"),
        problem: 'ingress.ingressClass: "nginx" is not a setting here; did you mean "ingressClassName"?',
    },
    // argo
    {
        title: "a cpu quantity written in words",
        edit: (raw) => (raw.argo.executorResources.requests.cpu = "100 millicores"),
        problem:
            'argo.executorResources.requests.cpu: "100 millicores" is not a Kubernetes quantity (e.g. 500m, 2, 256Mi, 1Gi)',
    },
    {
        title: "executor limits without memory",
        edit: (raw) => delete raw.argo.executorResources.limits.memory,
        problem: "argo.executorResources.limits.memory is required (a quantity)",
    },
    {
        title: "an executor request above its limit",
        edit: (raw) => (raw.argo.executorResources.requests.memory = "512Mi"),
        problem:
            'argo.executorResources.requests.memory: "512Mi" is greater than argo.executorResources.limits.memory "256Mi"',
    },
    {
        title: "a main-container limit above the LimitRange max",
        edit: (raw) => (raw.argo.mainContainerResources.limits.memory = "16Gi"),
        problem:
            'argo.mainContainerResources.limits.memory: "16Gi" is above namespaces.seldon-system.limitRange.max.memory "8Gi": the LimitRanger admission plugin would reject every workflow pod',
    },
    {
        title: "a pull policy in lower case",
        edit: (raw) => (raw.argo.imagePullPolicy = { executor: "always" }),
        problem: 'argo.imagePullPolicy.executor: "always" must be one of IfNotPresent, Always, Never',
    },
    {
        title: "a server switch written as text",
        edit: (raw) => (raw.argo.server = { enabled: "yes" }),
        problem: 'argo.server.enabled: "yes" must be true or false',
    },
    {
        title: "a workflow namespace without governance",
        edit: (raw) => (raw.argo.workflowNamespaces = ["training"]),
        problem:
            'argo.workflowNamespaces[0]: "training" has no entry in namespaces: every namespace that runs workflows needs a quota and LimitRange',
    },
    {
        title: "a misspelt executor key",
        edit: (raw) => {
            raw.argo.executorResource = raw.argo.executorResources;
        },
        problem:
            'argo.executorResource: {"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}} is not a setting here; did you mean "executorResources"?',
    },
    // namespaces
    {
        title: "a quota key Kubernetes does not know (request, not requests)",
        edit: (raw) => (seldon(raw).quota["request.memory"] = "16Gi"),
        problem:
            'namespaces.seldon-system.quota["request.memory"]: "request.memory" is not a resource quota tracks: use a standard name (requests.cpu, limits.memory, pods, ...) or a fully qualified one (requests.nvidia.com/gpu, count/deployments.apps)',
    },
    {
        title: "an extended resource without its domain",
        edit: (raw) => (seldon(raw).quota.gpus = "2"),
        problem:
            'namespaces.seldon-system.quota.gpus: "gpus" is not a resource quota tracks: use a standard name (requests.cpu, limits.memory, pods, ...) or a fully qualified one (requests.nvidia.com/gpu, count/deployments.apps)',
    },
    {
        title: "a negative pod count",
        edit: (raw) => (seldon(raw).quota.pods = "-1"),
        problem: 'namespaces.seldon-system.quota.pods: "-1" is negative: a quota is at least 0',
    },
    {
        title: "half a pod",
        edit: (raw) => (seldon(raw).quota.pods = 2.5),
        problem: "namespaces.seldon-system.quota.pods: 2.5 must be a whole number: it counts objects",
    },
    {
        title: "no pods at all in a workflow namespace",
        edit: (raw) => (seldon(raw).quota.pods = "0"),
        problem:
            'namespaces.seldon-system.quota.pods: "0" leaves no room for a single pod, in a namespace that runs workflows (argo.workflowNamespaces)',
    },
    {
        title: "a memory quota the API server would clamp",
        edit: (raw) => (seldon(raw).quota["requests.memory"] = "100Ei"),
        problem:
            'namespaces.seldon-system.quota["requests.memory"]: "100Ei" is more than Kubernetes stores: it would keep 9223372036854775807 (2^63-1) instead',
    },
    {
        title: "a cpu quota finer than the API server keeps",
        edit: (raw) => (seldon(raw).quota["requests.cpu"] = "500u"),
        problem:
            'namespaces.seldon-system.quota["requests.cpu"]: "500u" is finer than Kubernetes stores: it would round it up to the next 1m',
    },
    {
        title: "a LimitRange min, which the stack does not set",
        edit: (raw) => (seldon(raw).limitRange.min = { cpu: "10m" }),
        problem:
            'namespaces.seldon-system.limitRange.min: {"cpu":"10m"} is not a setting here (known: default, defaultRequest, max)',
    },
    {
        title: "a default request above the default",
        edit: (raw) => (seldon(raw).limitRange.defaultRequest.cpu = "600m"),
        problem:
            'namespaces.seldon-system.limitRange.defaultRequest.cpu: "600m" is greater than namespaces.seldon-system.limitRange.default.cpu "500m"',
    },
    {
        title: "a default above the max",
        edit: (raw) => (seldon(raw).limitRange.default.memory = "16Gi"),
        problem:
            'namespaces.seldon-system.limitRange.default.memory: "16Gi" is greater than namespaces.seldon-system.limitRange.max.memory "8Gi"',
    },
    {
        title: "an object count with a fraction",
        edit: (raw) => (seldon(raw).quota["count/deployments.apps"] = "1.5"),
        problem:
            'namespaces.seldon-system.quota["count/deployments.apps"]: "1.5" must be a whole number: it counts objects',
    },
    {
        title: "an egress service that is not among the services",
        edit: (raw) => (seldon(raw).egressServices = ["minio"]),
        problem: 'namespaces.seldon-system.egressServices[0]: "minio" is not a key of services',
    },
    // services
    {
        title: "a port number too high",
        edit: (raw) => (raw.services.mlflow.port = 70000),
        problem: "services.mlflow.port: 70000 is not a port number (1-65535)",
    },
    {
        title: "an unknown scheme",
        edit: (raw) => (raw.services.mlflow.scheme = "ftp"),
        problem: 'services.mlflow.scheme: "ftp" must be one of http, https, grpc, tcp',
    },
    {
        title: "a variable name with a dash",
        edit: (raw) => (raw.services.mlflow.variable = "MLFLOW-URI"),
        problem: 'services.mlflow.variable: "MLFLOW-URI" is not a valid environment variable name',
    },
    {
        title: "two services publishing one variable",
        edit: (raw) =>
            (raw.services.registry = {
                namespace: "registry",
                service: "zot",
                port: 5000,
                scheme: "https",
                variable: "MLFLOW_TRACKING_URI",
            }),
        problem:
            'services.registry.variable: "MLFLOW_TRACKING_URI" is already used by services.mlflow.variable',
    },
    // charts
    {
        title: "a floating chart version",
        edit: (raw) => (raw.charts.metallb.version = "latest"),
        problem: 'charts.metallb.version: "latest" is not an exact chart version',
    },
    {
        title: "a chart repository without a scheme",
        edit: (raw) => (raw.charts.metallb.repository = "metallb.github.io/metallb"),
        problem: 'charts.metallb.repository: "metallb.github.io/metallb" is not an http(s):// or oci:// URL',
    },
    {
        title: "a misspelt chart name",
        edit: (raw) => (raw.charts.metalb = raw.charts.metallb),
        problem:
            'charts.metalb: {"repository":"https://metallb.github.io/metallb","version":"0.15.2"} is not a setting here; did you mean "metallb"?',
    },
    {
        title: "chart values written as a --set string",
        edit: (raw) => (raw.charts.metallb.values = "speaker.frr.enabled=false"),
        problem: 'charts.metallb.values: "speaker.frr.enabled=false" must be an object',
    },
    {
        title: "a chart value that contradicts a key the stack governs (the Service's type)",
        edit: (raw) =>
            (raw.charts["ingress-nginx"].values = { controller: { service: { type: "NodePort" } } }),
        problem:
            'charts.ingress-nginx.values.controller.service.type: "NodePort" contradicts "LoadBalancer", which the stack sets ' +
            "from ingress.reservation (the controller's LoadBalancer Service on the reserved address): change that setting, " +
            "or leave the key out of the chart values",
    },
    {
        title: "Argo executor resources in the chart values, where argo.executorResources rules",
        edit: (raw) =>
            (raw.charts["argo-workflows"].values = {
                executor: { resources: { limits: { memory: "64Mi" } } },
            }),
        problem:
            'charts.argo-workflows.values.executor.resources.limits.memory: "64Mi" contradicts "256Mi", which the stack sets ' +
            "from argo.executorResources: change that setting, or leave the key out of the chart values",
    },
    // the rest
    {
        title: "megabytes written as MB",
        edit: (raw) => (raw.dnsProbe.resources.requests.memory = "16MB"),
        problem:
            'dnsProbe.resources.requests.memory: "16MB" is not a Kubernetes quantity (e.g. 500m, 2, 256Mi, 1Gi)',
    },
    // admissionGuard
    {
        title: "Deny and Warn together, which the API server refuses in a binding",
        edit: (raw) => (raw.admissionGuard = { validationActions: ["Deny", "Warn"] }),
        problem:
            'admissionGuard.validationActions: ["Deny","Warn"] lists Deny and Warn together, which the API server refuses: Deny to refuse, [Warn] or [Warn, Audit] to let requests through with a warning',
    },
    {
        title: "a validation action the API server does not know",
        edit: (raw) => (raw.admissionGuard = { validationActions: ["Ignore"] }),
        problem: 'admissionGuard.validationActions[0]: "Ignore" must be one of Deny, Warn, Audit',
    },
    {
        title: "no validation action at all",
        edit: (raw) => (raw.admissionGuard = { validationActions: [] }),
        problem:
            "admissionGuard.validationActions: [] must list at least one action: Deny (the default), Warn or Audit",
    },
    {
        title: "the way out written as a single word",
        edit: (raw) => (raw.admissionGuard = { validationActions: "Warn" }),
        problem: 'admissionGuard.validationActions: "Warn" must be a list',
    },
    {
        title: "skipAwait written as text",
        edit: (raw) => (raw.skipAwait = "yes"),
        problem: 'skipAwait: "yes" must be true or false',
    },
    {
        title: "a misspelt top-level key",
        edit: (raw) => (raw.metalb = { namespace: "metallb-system" }),
        problem: 'metalb: {"namespace":"metallb-system"} is not a setting here; did you mean "metallb"?',
    },
];
