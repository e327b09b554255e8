import * as assert from "assert";
import { gzipSync } from "zlib";
import { EngineResource } from "../../../policy/support/kubernetes";
import { AuditViolation, renderAudit, runPack } from "../../../cli/audit";
import { ClusterRead, decodeHelmRelease } from "../../../cli/clusterObjects";
import { homelabPolicyConfig, packViolations } from "../../harness/policy/packRun";
import { ResourceSpec } from "../../harness/policy/harness";
import { homelabStack, service } from "../../harness/policy/resources";

/**
 * The specs as `npm run audit` hands live objects to the pack: no Pulumi URN, named `namespace/name`,
 * a Chart's objects its children (as a Helm release's are).
 */
function asLiveObjects(specs: ResourceSpec[]): EngineResource[] {
    const resources = specs.map((spec): EngineResource => {
        const metadata = (spec.props.metadata ?? {}) as { name?: string; namespace?: string };
        const name = metadata.namespace
            ? `${metadata.namespace}/${metadata.name}`
            : String(metadata.name ?? spec.name);
        return {
            type: spec.type,
            urn: `cluster:${spec.type}:${name}`,
            name,
            props: structuredClone(spec.props),
        };
    });
    specs.forEach((spec, index) => {
        const parent = specs.findIndex((candidate) => candidate.name === spec.parent);
        if (parent >= 0) {
            resources[index].parent = resources[parent];
        }
    });
    return resources;
}

const secondRequest = service("ingress-lab", "ingress-nginx-controller", { loadBalancerIP: "192.168.1.249" });

describe("npm run audit, offline", () => {
    it("runs the pack's own policies: the same violations as a preview of the same objects, without Pulumi names", async () => {
        const specs = [...homelabStack(), secondRequest];
        const fromPreview = await packViolations(specs, homelabPolicyConfig());
        const fromAudit = await runPack(asLiveObjects(specs), homelabPolicyConfig());
        assert.ok(fromAudit.some((violation) => violation.policy.enforcementLevel === "mandatory"));
        assert.deepStrictEqual(
            fromAudit.map((violation) => `${violation.policy.name}: ${violation.message}`),
            fromPreview.map(
                ({ policy, violation }) =>
                    `${policy}: ${violation.message.replace(/ \(Pulumi name "[^"]*"\)/g, "")}`,
            ),
        );
    });

    it("prints violations as the CLI prints a pack's, mandatory first, then what it could not read", () => {
        const service: EngineResource = {
            type: "kubernetes:core/v1:Service",
            urn: "cluster:core/Service:ingress-lab/ingress-nginx-controller",
            name: "ingress-lab/ingress-nginx-controller",
            props: {},
        };
        const read: ClusterRead = {
            server: "https://192.168.1.10:6443",
            resources: [service],
            counts: new Map([["core/Service", 1]]),
            unreadable: [
                {
                    kind: "core/Secret (Helm release records, labelled owner=helm)",
                    reason: "secrets is forbidden",
                },
            ],
            notServed: ["crd.projectcalico.org/IPPool"],
            ownedByControllers: 3,
        };
        const violation = (
            name: string,
            level: "mandatory" | "advisory",
            message: string,
            resource?: EngineResource,
        ): AuditViolation => ({
            policy: {
                name,
                description: `${name} described.`,
                enforcementLevel: level,
            } as AuditViolation["policy"],
            message,
            resource,
        });
        const text = renderAudit(
            read,
            [
                violation("an-advice", "advisory", "Soon."),
                violation("a-rule", "mandatory", "Two lines\nof it.", service),
            ],
            "0.1.0",
        );
        assert.strictEqual(
            text,
            [
                "Audit of https://192.168.1.10:6443: 1 object of 1 kinds (and 3 made by controllers from them, judged through their owners)",
                "",
                "Policies:",
                "    ❌ homelab-platform@v0.1.0 (audit: https://192.168.1.10:6443)",
                "        - [mandatory]  a-rule  (kubernetes:core/v1:Service: ingress-lab/ingress-nginx-controller)",
                "          a-rule described.",
                "          Two lines",
                "          of it.",
                "        - [advisory]  an-advice  (cluster: https://192.168.1.10:6443)",
                "          an-advice described.",
                "          Soon.",
                "",
                "Not read (this identity may not list them; what they hold was not judged):",
                "    core/Secret (Helm release records, labelled owner=helm): secrets is forbidden",
                "",
                "Not served by this cluster: crd.projectcalico.org/IPPool",
                "",
                "1 mandatory, 1 advisory violation",
                "",
            ].join("\n"),
        );
    });

    it("reads Helm's release records, gzipped and base64-encoded, keeping what the user set", () => {
        const release = {
            name: "ingress-nginx",
            namespace: "ingress-lab",
            version: 2,
            info: { status: "deployed" },
            chart: {
                metadata: { name: "ingress-nginx", version: "4.15.1" },
                values: { controller: { kind: "Deployment" } },
            },
            config: { controller: { service: { loadBalancerIP: "192.168.1.249" } } },
        };
        const encoded = gzipSync(Buffer.from(JSON.stringify(release))).toString("base64");
        assert.deepStrictEqual(decodeHelmRelease(encoded), {
            name: "ingress-nginx",
            namespace: "ingress-lab",
            version: 2,
            status: "deployed",
            chart: "ingress-nginx",
            values: { controller: { service: { loadBalancerIP: "192.168.1.249" } } },
        });
        assert.strictEqual(decodeHelmRelease("not a release"), undefined);
    });
});
