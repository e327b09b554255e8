// `npm run audit` on the live cluster, next to `pulumi policy analyze` (the stack's state) and
// `pulumi preview --policy-pack` (the program): what each of the three sees. Runs after
// admissionGuard.test.ts, whose Warn mode let the seed's commands through: the quota deleted by
// hand, a second ingress-nginx release holding 192.168.1.249, a ConfigMap with MLflow's
// LoadBalancer address. Ends by cleaning up, converging with `pulumi up`, and auditing the clean
// cluster.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readManifest } from "../harness/manifests";
import { apiMessageOf, Cluster, KubernetesObject } from "../../hack/cluster/cluster";
import { CommandResult, run } from "../../hack/cluster/commands";
import { waitForGuard } from "./guard";
import { helm } from "../../hack/cluster/helm";
import { quotaReference, secondIngress, seed } from "../../hack/cluster/seed";
import { localStack, policyPackArgs, PulumiWorkspace, repositoryRoot } from "../../hack/cluster/workspace";

function audit(extraEnvironment: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    return run("npm", ["run", "--silent", "audit"], {
        cwd: repositoryRoot,
        env: { ...process.env, ...extraEnvironment },
    });
}

/** The violations a report lists, as `[level] policy (subject)`. */
function violationLines(output: string): string[] {
    return output
        .split("\n")
        .filter((line) => /^ {8}- \[/.test(line))
        .map((line) => line.trim().replace(/^- /, "").replace(/ {2}/g, " "));
}

/** The namespace, a quota on cpu and memory, and no LimitRange: another team's, made by hand. */
const tenant = "tenant-a";

describe("what preview, analyze and the audit each see", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
        await cluster.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: tenant } });
        await cluster.create({
            apiVersion: "v1",
            kind: "ResourceQuota",
            metadata: { name: "compute", namespace: tenant },
            spec: { hard: { "requests.cpu": "2", "requests.memory": "4Gi" } },
        });
    });

    describe("objects made outside Pulumi, and drift", () => {
        let report: CommandResult;
        before(async () => {
            report = await audit();
        });

        it("npm run audit reports them, as the pack prints violations, and exits 1", () => {
            assert.strictEqual(report.code, 1, report.output);
            const lines = violationLines(report.stdout);
            for (const expected of [
                "[mandatory] [severity: high] requested-loadbalancer-ips-are-unique (kubernetes:core/v1:Service: ingress-lab/ingress-nginx-controller)",
                "[mandatory] [severity: high] namespaces-have-resource-quota (kubernetes:core/v1:Namespace: seldon-system)",
                "[mandatory] [severity: high] limit-range-defaults-cover-quota (kubernetes:core/v1:ResourceQuota: tenant-a/compute)",
                "[mandatory] [severity: high] in-cluster-clients-use-service-dns (kubernetes:core/v1:ConfigMap: seldon-system/training-env)",
            ]) {
                assert.ok(lines.includes(expected), `missing ${expected} in:\n${report.stdout}`);
            }
            assert.match(
                report.stdout,
                /^Policies:\n {4}❌ homelab-platform@v0\.1\.0 \(audit: https:\/\/127\.0\.0\.1:[0-9]+\)$/m,
            );
            assert.ok(
                report.stdout.includes(
                    "Service ingress-lab/ingress-nginx-controller requests LoadBalancer IP 192.168.1.249, which MetalLB already " +
                        "assigned to Service ingress-nginx/ingress-nginx-controller (status.loadBalancer)",
                ),
                report.stdout,
            );
            assert.ok(!report.stdout.includes("Pulumi name"), report.stdout);
        });

        it("reads Helm's record of the release, and judges the release's objects rather than its values", () => {
            // The release's Service is a child of the release, as a Chart's objects are in a preview:
            // its values stand in for nothing, and the request is not counted twice.
            assert.ok(!report.stdout.includes("Release ingress-lab/ingress-nginx requests"), report.stdout);
            assert.ok(
                report.stdout.includes(
                    "- [advisory] [severity: medium]  community-ingress-nginx-is-retired  (kubernetes:helm.sh/v3:Release: ingress-lab/ingress-nginx)",
                ),
                report.stdout,
            );
        });

        it("pulumi policy analyze, after a refresh, sees the stack's own drift and nothing else", async () => {
            const refresh = await workspace.pulumi(["refresh", "--yes"]);
            assert.strictEqual(refresh.code, 0, refresh.output);
            const analyze = await workspace.pulumi(["policy", "analyze", ...policyPackArgs()]);
            assert.notStrictEqual(analyze.code, 0, analyze.output);
            assert.ok(analyze.output.includes("namespaces-have-resource-quota"), analyze.output);
            assert.ok(
                analyze.output.includes(
                    'Namespace seldon-system (Pulumi name "namespace-governance-seldon-system-namespace") has no ResourceQuota',
                ),
                analyze.output,
            );
            for (const unseen of ["ingress-lab", tenant, "training-env"]) {
                assert.ok(!analyze.output.includes(unseen), `analyze saw ${unseen}:\n${analyze.output}`);
            }
        });

        it("pulumi preview --policy-pack judges the program: the quota comes back, and nothing is refused", async () => {
            const preview = await workspace.preview(policyPackArgs());
            assert.strictEqual(preview.code, 0, preview.output);
            assert.match(
                preview.output,
                /\+ {2}kubernetes:core\/v1:ResourceQuota namespace-governance-seldon-system-quota create/,
            );
            assert.ok(!/mandatory/.test(preview.output), preview.output);
        });
    });

    describe("with get and list only (cli/audit-rbac.yaml)", () => {
        let kubeconfig: string;
        const rbac: KubernetesObject[] = readManifest("cli/audit-rbac.yaml");

        /** Binds a ClusterRole to the auditor ServiceAccount, in a binding of the role's name. */
        const bindToAuditor = (role: string) =>
            cluster.create({
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRoleBinding",
                metadata: { name: role },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
                subjects: [{ kind: "ServiceAccount", name: "auditor", namespace: "kube-system" }],
            });

        before(async () => {
            for (const role of rbac) {
                await cluster.create(role);
            }
            await cluster.create({
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: { name: "auditor", namespace: "kube-system" },
            });
            await bindToAuditor("homelab-platform-audit");
            const token = await cluster.serviceAccountToken("kube-system", "auditor");
            kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "auditor-")), "kubeconfig");
            fs.writeFileSync(kubeconfig, cluster.kubeconfigFor("auditor", token));
        });

        after(async () => {
            for (const role of rbac) {
                await cluster.deleteIfPresent({
                    apiVersion: role.apiVersion,
                    kind: role.kind,
                    name: role.metadata.name,
                });
            }
            await cluster.deleteIfPresent({
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRoleBinding",
                name: "homelab-platform-audit",
            });
            fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
        });

        it("says that it could not read Helm's records, and judges everything else", async () => {
            const report = await audit({ KUBECONFIG: kubeconfig });
            assert.strictEqual(report.code, 1, report.output);
            assert.ok(
                report.stdout.includes(
                    "Not read (this identity may not list them; what they hold was not judged):\n" +
                        '    core/Secret (Helm release records, labelled owner=helm): secrets is forbidden: User "system:serviceaccount:kube-system:auditor" ' +
                        'cannot list resource "secrets" in API group "" at the cluster scope',
                ),
                report.stdout,
            );
            const lines = violationLines(report.stdout);
            assert.ok(
                lines.includes(
                    "[mandatory] [severity: high] requested-loadbalancer-ips-are-unique (kubernetes:core/v1:Service: ingress-lab/ingress-nginx-controller)",
                ),
                report.stdout,
            );
        });

        it("reads them too once the identity may list Secrets", async () => {
            await bindToAuditor("homelab-platform-audit-helm-releases");
            try {
                const report = await audit({ KUBECONFIG: kubeconfig });
                assert.ok(!report.stdout.includes("Not read"), report.stdout);
                assert.ok(
                    report.stdout.includes("(kubernetes:helm.sh/v3:Release: ingress-lab/ingress-nginx)"),
                    report.stdout,
                );
            } finally {
                await cluster.deleteIfPresent({
                    apiVersion: "rbac.authorization.k8s.io/v1",
                    kind: "ClusterRoleBinding",
                    name: "homelab-platform-audit-helm-releases",
                });
            }
        });
    });

    describe("back in Deny mode", () => {
        before(async () => {
            workspace.resetSettings();
            const up = await workspace.up();
            assert.strictEqual(up.code, 0, up.output);
            assert.ok(await cluster.find(quotaReference), "pulumi up did not restore the quota");
            await waitForGuard(cluster, "Deny");
        });

        it("judges an update of what Warn let in by what it changes: a label passes, a new address does not", async () => {
            const service = {
                apiVersion: "v1",
                kind: "Service",
                name: secondIngress.service,
                namespace: secondIngress.namespace,
            };
            await cluster.mergePatch(service, { metadata: { labels: { team: "lab" } } }, "kubectl-label");
            await assert.rejects(
                cluster.mergePatch(
                    service,
                    { metadata: { annotations: { "metallb.io/address-pool": "homelab-pool" } } },
                    "kubectl-annotate",
                ),
                (error: unknown) =>
                    apiMessageOf(error).includes(
                        "Service ingress-lab/ingress-nginx-controller requests 192.168.1.249 (spec.loadBalancerIP), the address reserved for MetalLB pool ingress-pool, but pins pool homelab-pool",
                    ),
            );
            const configMap = {
                apiVersion: "v1",
                kind: "ConfigMap",
                name: "training-env",
                namespace: seed.workflowNamespace,
            };
            await cluster.mergePatch(configMap, { metadata: { labels: { team: "lab" } } }, "kubectl-label");
            await assert.rejects(
                cluster.mergePatch(
                    configMap,
                    { data: { BACKUP_URI: "http://192.168.1.210:9000" } },
                    "kubectl-edit",
                ),
                (error: unknown) =>
                    apiMessageOf(error).includes(
                        "ConfigMap seldon-system/training-env: data BACKUP_URI points at 192.168.1.210, an address of MetalLB pool homelab-pool",
                    ),
            );
        });
    });

    describe("a clean cluster after pulumi up", () => {
        before(async () => {
            await helm(["uninstall", secondIngress.release, "--namespace", secondIngress.namespace]);
            for (const name of [secondIngress.namespace, tenant, "guard-tests"]) {
                await cluster.deleteIfPresent({ apiVersion: "v1", kind: "Namespace", name });
            }
            await cluster.deleteIfPresent({
                apiVersion: "v1",
                kind: "ConfigMap",
                name: "training-env",
                namespace: seed.workflowNamespace,
            });
            await cluster.deleteIfPresent({
                apiVersion: "v1",
                kind: "ServiceAccount",
                name: "auditor",
                namespace: "kube-system",
            });
            for (const name of [secondIngress.namespace, tenant, "guard-tests"]) {
                await cluster.waitFor(
                    `namespace ${name} to be gone`,
                    async () =>
                        (await cluster.find({ apiVersion: "v1", kind: "Namespace", name }))
                            ? undefined
                            : true,
                    120_000,
                );
            }
        });

        it("audits clean: no mandatory violation, exit 0", async () => {
            const report = await audit();
            assert.strictEqual(report.code, 0, report.output);
            assert.match(report.stdout, /^0 mandatory, [0-9]+ advisory violations?$/m);
            assert.ok(!report.stdout.includes("Not read"), report.stdout);
        });

        it("pulumi policy analyze passes on the stack's state", async () => {
            const analyze = await workspace.pulumi(["policy", "analyze", ...policyPackArgs()]);
            assert.strictEqual(analyze.code, 0, analyze.output);
        });
    });
});
