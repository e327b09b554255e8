// The admission guard reads a Service's request as lib/metallb/serviceRequest.ts does. The CEL that
// components/admissionRules/rules/loadBalancerAddresses.ts builds to read the request (its
// `annotations`, `requested` and `pinned` variables, taken from the rule itself) runs in a policy of
// the test's own on the real API server, which only reports what they read, for every case of the
// table the pack's and the address map's reading is held to (test/harness/serviceRequestCases.ts),
// moved off the stack's address plan so that the guard's own rules let each dry run through.

import * as assert from "assert";
import { Cluster, ensureNamespace, KubernetesObject } from "../../hack/cluster/cluster";
import { loadBalancerAddresses } from "../../components/admissionRules/rules/loadBalancerAddresses";
import { matching } from "../../components/admissionRules/rule";
import { metallbAnnotations } from "../../lib/metallb/annotations";
import { ServiceRequestCase, serviceRequestCases } from "../harness/serviceRequestCases";

const namespace = "request-reading";
const policyName = "homelab-platform-tests-request-reading";

/** A policy that judges nothing: it warns with what the guard's variables read of a new Service. */
const readingPolicy: KubernetesObject = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name: policyName },
    spec: {
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: [matching("", ["services"], ["CREATE"])] },
        variables: loadBalancerAddresses.spec.variables.filter((variable) =>
            ["annotations", "requested", "pinned"].includes(variable.name),
        ),
        validations: [
            {
                expression: "false",
                messageExpression:
                    "'requested [' + variables.requested.map(request, request[0] + '@' + request[1]).join('|') + " +
                    "'] pinned [' + variables.pinned + ']'",
            },
        ],
    },
};

const readingBinding: KubernetesObject = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name: policyName },
    spec: {
        policyName,
        validationActions: ["Warn"],
        matchResources: {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        },
    },
};

/**
 * A case moved off the stack's plan, so that the guard itself lets its dry run through: its
 * addresses into TEST-NET-2, which no pool holds, its pools renamed, which no reservation names.
 */
function offThePlan(example: ServiceRequestCase): ServiceRequestCase {
    const moved = (text: string) => text.replaceAll("192.168.1.", "198.51.100.");
    const pool = (name: string) => `reading-${name}`;
    return {
        ...example,
        annotations: Object.fromEntries(
            Object.entries(example.annotations).map(([key, value]) => [
                key,
                metallbAnnotations.addressPool.includes(key) ? pool(value) : moved(value),
            ]),
        ),
        spec: example.spec && moved(example.spec),
        written: example.written.map(moved),
        pinned: example.pinned && pool(example.pinned),
    };
}

function service(
    name: string,
    annotations: Record<string, string>,
    loadBalancerIP?: string,
): KubernetesObject {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace, annotations },
        spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ port: 80 }], loadBalancerIP },
    };
}

/** What the guard's variables read, as the table writes it; undefined until the policy judges. */
function readingOf(warnings: string[]): { written: string[]; pinned?: string } | undefined {
    const reading = warnings
        .map((warning) => /requested \[(.*)\] pinned \[(.*)\]$/.exec(warning))
        .find((match) => match !== null);
    if (!reading) {
        return undefined;
    }
    return {
        // The guard's messages name an annotation as `annotation <key>`; the table names the key.
        written: reading[1]
            .split("|")
            .filter((entry) => entry !== "")
            .map((entry) => entry.replace("@annotation ", "@")),
        pinned: reading[2] === "" ? undefined : reading[2],
    };
}

describe("the admission guard's reading of a Service's request, against lib/metallb/serviceRequest.ts's table", function () {
    const cluster = new Cluster();

    before(async () => {
        assert.strictEqual(
            readingPolicy.spec.variables.length,
            3,
            "the rule's reading variables were renamed",
        );
        await ensureNamespace(cluster, namespace);
        await cluster.create(readingPolicy);
        await cluster.create(readingBinding);
        // The API server's informers take a moment to start judging with a new policy.
        await cluster.waitFor("the reading policy to judge", async () => {
            const { warnings } = await cluster.createWithWarnings(service("probe", {}), true);
            return readingOf(warnings) ? true : undefined;
        });
    });

    after(async () => {
        const admission = "admissionregistration.k8s.io/v1";
        await cluster.deleteIfPresent({
            apiVersion: admission,
            kind: "ValidatingAdmissionPolicyBinding",
            name: policyName,
        });
        await cluster.deleteIfPresent({
            apiVersion: admission,
            kind: "ValidatingAdmissionPolicy",
            name: policyName,
        });
        await cluster.deleteIfPresent({ apiVersion: "v1", kind: "Namespace", name: namespace });
    });

    for (const tableCase of serviceRequestCases) {
        it(tableCase.what, async () => {
            const example = offThePlan(tableCase);
            const { warnings } = await cluster.createWithWarnings(
                service("reading", example.annotations, example.spec),
                true,
            );
            const reading = readingOf(warnings);
            assert.ok(reading, `no reading in the warnings: ${JSON.stringify(warnings)}`);
            // The guard lists the spec field last, the pack first: the same requests, in another order.
            assert.deepStrictEqual(
                { written: [...reading.written].sort(), pinned: reading.pinned },
                { written: [...example.written].sort(), pinned: example.pinned },
            );
        });
    }
});
