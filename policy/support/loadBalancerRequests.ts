// Which LoadBalancer IPs the stack asks MetalLB for, and who asks. A request comes from a
// LoadBalancer Service (the `loadBalancerIPs` annotation, or the deprecated `spec.loadBalancerIP`),
// or from an ingress chart's `controller.service` values (ingress-nginx and F5 nginx-ingress share
// the keys) when the engine does not show the Service the chart renders: always for a v3 Release,
// and for a v4 Chart whose values arrive without rendered objects (see helmCharts.ts).

import { IpAddress, parseIp } from "../../lib/addresses/ip";
import { AnnotationUse, readAddressRequest, specLoadBalancerIpField } from "../../lib/metallb/serviceRequest";
import { HelmInstall, readHelmInstalls } from "./helmCharts";
import {
    describe,
    EngineResource,
    kindKeyOf,
    kinds,
    KubernetesObject,
    readObject,
    stringMap,
} from "./kubernetes";
import { arrayAt, isRecord, isUnknown, recordAt, stringAt } from "./plainValues";

export interface RequestedAddress {
    address: IpAddress;
    /** The address as written. */
    text: string;
    /** Where it is written: `annotation metallb.io/loadBalancerIPs`, `spec.loadBalancerIP`, ... */
    source: string;
}

export interface LoadBalancerRequest {
    owner: KubernetesObject;
    /** `Service ingress-nginx/ingress-nginx-controller (Pulumi name "…")` or `Chart ingress-nginx/ingress-nginx (Pulumi name "…")`. */
    description: string;
    /** Where an annotation lives, for messages: `annotation metallb.io/loadBalancerIPs` or `values controller.service.annotations["…"]`. */
    annotationSource: (key: string) => string;
    /** Where the spec field lives, for messages: `spec.loadBalancerIP` or `values controller.service.loadBalancerIP`. */
    specFieldPath: string;
    addresses: RequestedAddress[];
    /** Requested values that are not IP addresses. */
    invalid: { text: string; source: string }[];
    specLoadBalancerIp?: string;
    /** The `loadBalancerIPs` annotations set (current spelling first). */
    addressAnnotations: AnnotationUse[];
    pinnedPool?: AnnotationUse;
    sharingKey?: string;
    /** The Service's own name and namespace (absent for chart values), for cluster DNS names. */
    service?: { name: string; namespace: string };
}

function buildRequest(
    owner: KubernetesObject,
    description: string,
    paths: { annotationSource: (key: string) => string; specFieldPath: string },
    annotations: Record<string, string>,
    specLoadBalancerIp: string | undefined,
    service: { name: string; namespace: string } | undefined,
): LoadBalancerRequest | undefined {
    const request = readAddressRequest(annotations, specLoadBalancerIp);
    if (!request) {
        return undefined;
    }
    const written = request.written.map(({ text, field }) => ({
        text,
        source: field === specLoadBalancerIpField ? paths.specFieldPath : paths.annotationSource(field),
    }));
    const addresses: RequestedAddress[] = [];
    const invalid: { text: string; source: string }[] = [];
    const seen = new Set<string>();
    for (const { text, source } of written) {
        const address = parseIp(text);
        if (!address) {
            invalid.push({ text, source });
            continue;
        }
        const key = addressKey(address);
        if (!seen.has(key)) {
            seen.add(key);
            addresses.push({ address, text, source });
        }
    }
    return {
        owner,
        description,
        ...paths,
        addresses,
        invalid,
        specLoadBalancerIp: specLoadBalancerIp || undefined,
        addressAnnotations: request.addressAnnotations,
        pinnedPool: request.pinnedPool,
        sharingKey: request.sharingKey,
        service,
    };
}

/** The request a LoadBalancer Service makes, if any. Unknown type or annotations: no claim is made. */
export function serviceRequest(service: KubernetesObject): LoadBalancerRequest | undefined {
    const spec = recordAt(service.body, "spec");
    const type = stringAt(spec, "type");
    if (type !== "LoadBalancer" || isUnknown(service.annotations)) {
        return undefined;
    }
    const specIp = stringAt(spec, "loadBalancerIP");
    const identity =
        isUnknown(service.name) || isUnknown(service.namespace)
            ? undefined
            : { name: service.name, namespace: service.namespace };
    return buildRequest(
        service,
        describe(service),
        { annotationSource: (key) => `annotation ${key}`, specFieldPath: "spec.loadBalancerIP" },
        service.annotations,
        isUnknown(specIp) ? undefined : specIp,
        identity,
    );
}

/** The request an ingress chart's `controller.service` values make, if any. */
export function chartValuesRequest(install: HelmInstall): LoadBalancerRequest | undefined {
    const service = recordAt(recordAt(install.values, "controller"), "service");
    if (isUnknown(service) || service.enabled === false) {
        return undefined;
    }
    const type = stringAt(service, "type");
    if (isUnknown(type) || (type !== undefined && type !== "LoadBalancer")) {
        return undefined;
    }
    const annotations = stringMap(recordAt(service, "annotations"));
    const specIp = stringAt(service, "loadBalancerIP");
    if (isUnknown(annotations)) {
        return undefined;
    }
    return buildRequest(
        install.object,
        install.description,
        {
            annotationSource: (key) => `values controller.service.annotations["${key}"]`,
            specFieldPath: "values controller.service.loadBalancerIP",
        },
        annotations,
        isUnknown(specIp) ? undefined : specIp,
        undefined,
    );
}

/**
 * Every LoadBalancer-IP request in the stack: Services, plus the chart values of installs whose
 * objects the engine does not show.
 */
export function readLoadBalancerRequests(
    services: KubernetesObject[],
    installs: HelmInstall[],
): LoadBalancerRequest[] {
    const requests: LoadBalancerRequest[] = [];
    for (const service of services) {
        const request = serviceRequest(service);
        if (request) {
            requests.push(request);
        }
    }
    for (const install of installs) {
        if (!install.rendered) {
            const request = chartValuesRequest(install);
            if (request) {
                requests.push(request);
            }
        }
    }
    return requests;
}

export interface AssignedAddress {
    service: KubernetesObject;
    address: IpAddress;
}

/** Addresses MetalLB already gave Services (`status.loadBalancer.ingress[].ip`), when known. */
export function readAssignedAddresses(services: KubernetesObject[]): AssignedAddress[] {
    const assigned: AssignedAddress[] = [];
    for (const service of services) {
        const ingress = arrayAt(recordAt(recordAt(service.body, "status"), "loadBalancer"), "ingress");
        if (isUnknown(ingress)) {
            continue;
        }
        for (const entry of ingress) {
            const ip = isRecord(entry) ? stringAt(entry, "ip") : undefined;
            const address = ip === undefined || isUnknown(ip) ? undefined : parseIp(ip);
            if (address) {
                assigned.push({ service, address });
            }
        }
    }
    return assigned;
}

export function addressKey(address: IpAddress): string {
    return `${address.family}:${address.value}`;
}

/**
 * For resource policies: the object behind a resource that can request a LoadBalancer IP (a
 * Service, or a Helm v3 Release / v4 Chart through its ingress values), or undefined.
 */
export function readAddressRequester(
    resource: EngineResource,
): { object: KubernetesObject; install?: HelmInstall } | undefined {
    const key = kindKeyOf(resource.type);
    if (key !== kinds.service && key !== kinds.helmRelease && key !== kinds.helmChart) {
        return undefined;
    }
    const object = readObject(resource);
    if (!object) {
        return undefined;
    }
    return key === kinds.service ? { object } : { object, install: readHelmInstalls([object], [])[0] };
}

/** For resource policies: the LoadBalancer request one Service or ingress chart makes, if any. */
export function readOwnRequest(resource: EngineResource): LoadBalancerRequest | undefined {
    const requester = readAddressRequester(resource);
    if (!requester) {
        return undefined;
    }
    return requester.install ? chartValuesRequest(requester.install) : serviceRequest(requester.object);
}
