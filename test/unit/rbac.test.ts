// The RBAC the project ships for the identities that only look at the cluster: preflight's,
// the audit's and preview.yml's. None of them may write, and the preview's reaches no Secret but
// the one the charts make. That these rules are also enough is shown on the real API server
// (test/integration/preflight.test.ts, previewCredential.test.ts).

import * as assert from "assert";
import { readManifest } from "../harness/manifests";
import { readStackConfig } from "../harness/stackConfig";

interface Rule {
    apiGroups?: string[];
    resources?: string[];
    resourceNames?: string[];
    verbs: string[];
}

interface RbacObject {
    kind: string;
    metadata: { name: string; namespace?: string };
    rules?: Rule[];
    roleRef?: { kind: string; name: string };
    subjects?: { kind: string; name: string; namespace?: string }[];
}

function objectsOf(file: string): RbacObject[] {
    return readManifest(`cli/${file}`) as RbacObject[];
}

const readOnlyFiles = ["preflight-rbac.yaml", "audit-rbac.yaml", "preview-rbac.yaml"];

describe("the RBAC shipped for read-only identities", () => {
    for (const file of readOnlyFiles) {
        it(`${file} grants get, list and watch only, on named resources`, () => {
            for (const object of objectsOf(file)) {
                for (const rule of object.rules ?? []) {
                    const where = `${file}: ${object.kind} ${object.metadata.name} ${JSON.stringify(rule)}`;
                    assert.deepStrictEqual(
                        rule.verbs.filter((verb) => !["get", "list", "watch"].includes(verb)),
                        [],
                        where,
                    );
                    assert.ok(!rule.resources?.includes("*") && !rule.apiGroups?.includes("*"), where);
                }
            }
        });
    }

    const preview = objectsOf("preview-rbac.yaml");
    const account = preview.find((object) => object.kind === "ServiceAccount")!;

    it("preview-rbac.yaml reads no Secret but MetalLB's webhook certificate, in MetalLB's namespace", () => {
        const secretRules = preview.flatMap((object) =>
            (object.rules ?? [])
                .filter((rule) => rule.resources?.includes("secrets"))
                .map((rule) => ({ kind: object.kind, namespace: object.metadata.namespace, rule })),
        );
        const metallbNamespace = (readStackConfig("homelab").metallb as { namespace: string }).namespace;
        assert.deepStrictEqual(secretRules, [
            {
                kind: "Role",
                namespace: metallbNamespace,
                rule: {
                    apiGroups: [""],
                    resources: ["secrets"],
                    resourceNames: ["metallb-webhook-cert"],
                    verbs: ["get"],
                },
            },
        ]);
    });

    it("preview-rbac.yaml binds its own roles and preflight's to its ServiceAccount, and nothing else", () => {
        const preflightRoles = objectsOf("preflight-rbac.yaml").map((object) => object.metadata.name);
        const ownRoles = preview
            .filter((object) => object.kind === "Role" || object.kind === "ClusterRole")
            .map((object) => `${object.kind} ${object.metadata.name}`);
        const bindings = preview.filter((object) => object.kind.endsWith("Binding"));
        assert.deepStrictEqual(
            bindings.map((binding) => `${binding.roleRef!.kind} ${binding.roleRef!.name}`).sort(),
            [...ownRoles, ...preflightRoles.map((name) => `ClusterRole ${name}`)].sort(),
        );
        for (const binding of bindings) {
            assert.deepStrictEqual(binding.subjects, [
                {
                    kind: "ServiceAccount",
                    name: account.metadata.name,
                    namespace: account.metadata.namespace,
                },
            ]);
        }
    });
});
