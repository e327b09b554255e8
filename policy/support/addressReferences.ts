// Raw IP addresses that workloads, workflows and ConfigMaps point programs at, and which of them
// are LoadBalancer addresses: requested by a Service (or chart values), already assigned to one, or
// inside a MetalLB pool.

import { formatIp } from "../../lib/addresses/ip";
import { AddressMention, findAddressMentions } from "../../lib/addresses/mentions";
import { serviceHostname } from "../../lib/kubernetes/serviceDns";
import { AddressPlan, readAddressPlan } from "./addressPlan";
import { collectObjects, describe, EngineResource, kinds, objectsOf } from "./kubernetes";
import { addressKey } from "./loadBalancerRequests";
import { PoolAddress } from "./metallb";
import { isUnknown } from "./plainValues";
import { ConfiguredText, configuredTexts, workflowKinds, workloadKinds } from "./workloads";

export interface AddressOwner {
    /** `Service mlflow/mlflow (Pulumi name "mlflow")`, or the chart whose values request the address. */
    description: string;
    /** `mlflow.mlflow.svc.cluster.local` when the owner is a Service whose name is known. */
    dnsName?: string;
}

export interface AddressReference {
    text: ConfiguredText;
    mention: AddressMention;
    /** The Service (or chart) that requests or holds the address, if any. */
    owner?: AddressOwner;
    /** Pools containing the address. */
    pools: PoolAddress[];
}

/** Who owns each LoadBalancer address of the plan: a requesting Service first, then a holder, then chart values. */
export function addressOwners(plan: AddressPlan, clusterDomain: string): Map<string, AddressOwner> {
    const owners = new Map<string, AddressOwner>();
    const serviceRequests = plan.requests.filter((request) => request.service);
    const chartRequests = plan.requests.filter((request) => !request.service);
    for (const request of serviceRequests) {
        const { name, namespace } = request.service!;
        for (const { address } of request.addresses) {
            const key = addressKey(address);
            if (!owners.has(key)) {
                owners.set(key, {
                    description: request.description,
                    dnsName: serviceHostname(name, namespace, clusterDomain),
                });
            }
        }
    }
    for (const { service, address } of plan.assigned) {
        const key = addressKey(address);
        if (!owners.has(key) && !isUnknown(service.name) && !isUnknown(service.namespace)) {
            owners.set(key, {
                description: describe(service),
                dnsName: serviceHostname(service.name, service.namespace, clusterDomain),
            });
        }
    }
    for (const request of chartRequests) {
        for (const { address } of request.addresses) {
            const key = addressKey(address);
            if (!owners.has(key)) {
                owners.set(key, { description: request.description });
            }
        }
    }
    return owners;
}

/** Every address mentioned as an endpoint (not as part of a network) outside the exempt namespaces. */
export function findAddressReferences(
    resources: EngineResource[],
    exemptNamespaces: Set<string>,
    clusterDomain: string,
): AddressReference[] {
    const plan = readAddressPlan(resources);
    const owners = addressOwners(plan, clusterDomain);
    const byKind = collectObjects(resources, [kinds.configMap, ...workloadKinds, ...workflowKinds]);
    const references: AddressReference[] = [];
    for (const object of objectsOf(byKind, kinds.configMap, ...workloadKinds, ...workflowKinds)) {
        if (typeof object.namespace === "string" && exemptNamespaces.has(object.namespace)) {
            continue;
        }
        for (const text of configuredTexts(object)) {
            const seen = new Set<string>();
            for (const mention of findAddressMentions(text.text)) {
                if (mention.form === "network" || seen.has(mention.text)) {
                    continue;
                }
                seen.add(mention.text);
                references.push({
                    text,
                    mention,
                    owner: owners.get(addressKey(mention.address)),
                    pools: plan.poolsByAddress.containing(mention.address).map((entry) => entry.label),
                });
            }
        }
    }
    return references;
}

/** The mention with its host replaced by a DNS name: `http://mlflow.mlflow.svc.cluster.local:5000`. */
export function withHost(mention: AddressMention, hostname: string): string {
    const at = mention.text.lastIndexOf(mention.host);
    return `${mention.text.slice(0, at)}${hostname}${mention.text.slice(at + mention.host.length)}`;
}

export function formatMentionAddress(mention: AddressMention): string {
    return formatIp(mention.address.family, mention.address.value);
}
