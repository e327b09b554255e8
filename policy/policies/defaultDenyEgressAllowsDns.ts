import { StackValidationPolicy } from "@pulumi/policy";
import { parseCidr } from "../../lib/addresses/ip";
import { rangeCovers, rangesOverlap } from "../../lib/addresses/ranges";
import { groupBy } from "../support/grouping";
import {
    collectObjects,
    describe,
    KubernetesObject,
    kinds,
    LabelSelector,
    objectsOf,
    readSelector,
    selectorMatches,
    selectsEverything,
} from "../support/kubernetes";
import {
    arrayAt,
    containsUnknown,
    isRecord,
    isUnknown,
    PlainRecord,
    PlainValue,
    recordAt,
    stringAt,
} from "../support/plainValues";
import { CidrSetting, configSchemaOf, readPackConfig } from "../support/policyConfig";

const name = "default-deny-egress-allows-dns";
const configKeys = ["podCidrs"] as const;

const kubeSystemLabels = { "kubernetes.io/metadata.name": "kube-system" };
const kubeDnsLabels = { "k8s-app": "kube-dns" };

/** Whether a selector (known: specs with unknowns are skipped earlier) matches the given labels. */
function matches(value: PlainValue | undefined, labels: Record<string, string>): boolean {
    return selectorMatches(readSelector(value) as LabelSelector, labels);
}

function portAllowsDns(port: PlainValue): boolean {
    if (!isRecord(port)) {
        return false;
    }
    // An unset protocol means TCP; DNS needs UDP.
    if (stringAt(port, "protocol") !== "UDP") {
        return false;
    }
    const number = port.port;
    if (number === undefined || number === null || number === "dns") {
        return true;
    }
    const endPort = typeof port.endPort === "number" ? port.endPort : undefined;
    return (
        number === 53 ||
        number === "53" ||
        (typeof number === "number" && endPort !== undefined && number <= 53 && 53 <= endPort)
    );
}

function peerReachesKubeDns(peer: PlainValue, namespace: string, podCidrs: CidrSetting[]): boolean {
    if (!isRecord(peer)) {
        return false;
    }
    const ipBlock = recordAt(peer, "ipBlock");
    if (!isUnknown(ipBlock) && Object.keys(ipBlock).length > 0) {
        const cidr = parseCidr(String(stringAt(ipBlock, "cidr") ?? ""));
        const except = arrayAt(ipBlock, "except");
        const excepted = isUnknown(except) ? [] : except.map((text) => parseCidr(String(text)));
        return (
            cidr !== undefined &&
            podCidrs.every(
                (pod) =>
                    rangeCovers(cidr, pod.cidr) &&
                    !excepted.some((range) => range !== undefined && rangesOverlap(range, pod.cidr)),
            )
        );
    }
    const namespaceSelector = peer.namespaceSelector;
    const podSelector = peer.podSelector;
    const namespaceMatches =
        namespaceSelector === undefined
            ? namespace === "kube-system"
            : matches(namespaceSelector, kubeSystemLabels);
    const podMatches = podSelector === undefined || matches(podSelector, kubeDnsLabels);
    return namespaceMatches && podMatches;
}

function ruleAllowsDns(rule: PlainValue, namespace: string, podCidrs: CidrSetting[]): boolean {
    if (!isRecord(rule)) {
        return false;
    }
    const ports = arrayAt(rule, "ports") as PlainValue[];
    const peers = arrayAt(rule, "to") as PlainValue[];
    const portsAllow = ports.length === 0 || ports.some(portAllowsDns);
    const peersAllow =
        peers.length === 0 || peers.some((peer) => peerReachesKubeDns(peer, namespace, podCidrs));
    return portsAllow && peersAllow;
}

interface EgressPolicy {
    object: KubernetesObject;
    spec: PlainRecord;
    selectsAllPods: boolean;
}

function isDefaultDenyEgress(policy: EgressPolicy): boolean {
    const types = arrayAt(policy.spec, "policyTypes") as PlainValue[];
    const egress = arrayAt(policy.spec, "egress") as PlainValue[];
    return policy.selectsAllPods && types.includes("Egress") && egress.length === 0;
}

/**
 * default-deny-egress-allows-dns (mandatory, severity high)
 *
 * A default-deny egress NetworkPolicy without a DNS exception makes every lookup time out:
 * "Temporary failure in name resolution", which tempts teams to point clients at LoadBalancer
 * IPs instead of service names. A namespace with a policy that selects all pods, lists Egress in policyTypes
 * and has no egress rules needs a policy selecting all pods that allows 53/UDP to kube-dns in
 * kube-system (or to everything).
 */
export const defaultDenyEgressAllowsDns: StackValidationPolicy = {
    name,
    description: "A namespace with a default-deny egress NetworkPolicy must allow DNS to kube-dns.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: configSchemaOf(...configKeys),
    validateStack: (args, reportViolation) => {
        const config = readPackConfig(name, [...configKeys], args.getConfig());
        const objects = objectsOf(collectObjects(args.resources, [kinds.networkPolicy]), kinds.networkPolicy);
        if (objects.some((object) => isUnknown(object.namespace))) {
            return;
        }
        for (const [namespace, namespaceObjects] of groupBy(
            objects,
            (object) => object.namespace as string,
        )) {
            const policies: EgressPolicy[] = [];
            let unknown = false;
            for (const object of namespaceObjects) {
                const spec = recordAt(object.body, "spec");
                if (isUnknown(spec) || containsUnknown(spec)) {
                    unknown = true;
                    break;
                }
                const podSelector = readSelector(spec.podSelector ?? {}) as LabelSelector;
                policies.push({ object, spec, selectsAllPods: selectsEverything(podSelector) });
            }
            if (unknown) {
                continue;
            }
            const denying = policies.find(isDefaultDenyEgress);
            if (!denying) {
                continue;
            }
            const allowsDns = policies.some(
                (policy) =>
                    policy.selectsAllPods &&
                    (arrayAt(policy.spec, "egress") as PlainValue[]).some((rule) =>
                        ruleAllowsDns(rule, namespace, config.podCidrs),
                    ),
            );
            if (allowsDns) {
                continue;
            }
            reportViolation(
                `${describe(denying.object)} denies all egress in ${namespace}, and no NetworkPolicy selecting all pods there ` +
                    'allows DNS: every lookup times out ("Temporary failure in name resolution"). Add an egress rule to ' +
                    "namespaceSelector {kubernetes.io/metadata.name: kube-system} with podSelector {k8s-app: kube-dns} " +
                    "on 53/UDP and 53/TCP.",
                denying.object.resource.urn,
            );
        }
    },
};
