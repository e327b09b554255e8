// preview.yml's identity (cli/preview-rbac.yaml) on the real API server, after
// platform.test.ts's `pulumi up`: with a change pending, its `pulumi preview --refresh` plans what
// the cluster admin's plans; it runs preview.yml's other steps (preflight, the address map) with
// nothing refused; and every write it tries, dry run or not, is refused, as is any other Secret.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cluster, KubernetesObject } from "../../hack/cluster/cluster";
import { readManifest } from "../harness/manifests";
import { run } from "../../hack/cluster/commands";
import { localStack, policyPackArgs, PulumiWorkspace } from "../../hack/cluster/workspace";

const project = "homelab-platform";

interface PreviewStep {
    op: string;
    urn: string;
}

interface PreviewReport {
    steps?: PreviewStep[];
    diagnostics?: { severity: string; message: string }[];
}

const referenceOf = (object: KubernetesObject) => ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
});

describe("the preview credential (cli/preview-rbac.yaml)", function () {
    const cluster = new Cluster();
    const objects = [...readManifest("cli/preflight-rbac.yaml"), ...readManifest("cli/preview-rbac.yaml")];
    const account = objects.find((object) => object.kind === "ServiceAccount")!;
    let workspace: PulumiWorkspace;
    let kubeconfig: string;

    async function preview(environment: NodeJS.ProcessEnv): Promise<PreviewReport> {
        const result = await workspace.pulumi(
            ["preview", "--refresh", "--json", ...policyPackArgs()],
            environment,
        );
        let report: PreviewReport;
        try {
            report = JSON.parse(result.stdout) as PreviewReport;
        } catch {
            throw new Error(`pulumi preview printed no JSON (exit ${result.code}):\n${result.output}`);
        }
        // A refused read fails the preview: its diagnostics name the object and the verb.
        assert.strictEqual(result.code, 0, JSON.stringify(report.diagnostics ?? [], null, 2));
        return report;
    }

    async function kubectl(args: string[]) {
        return run("kubectl", ["--kubeconfig", kubeconfig, ...args]);
    }

    before(async () => {
        workspace = await localStack();
        for (const object of objects) {
            await cluster.deleteIfPresent(referenceOf(object));
            await cluster.create(object);
        }
        kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "preview-")), "kubeconfig");
        fs.writeFileSync(
            kubeconfig,
            cluster.kubeconfigFor(
                account.metadata.name,
                await cluster.serviceAccountToken(account.metadata.namespace, account.metadata.name),
            ),
        );
        // RBAC reaches the authorizer's cache a moment after the objects are stored.
        await cluster.waitFor("the bindings to take effect", async () => {
            const answer = await kubectl(["auth", "can-i", "get", "namespaces"]);
            return answer.stdout.trim() === "yes" ? true : undefined;
        });
    });

    after(async () => {
        workspace.resetSettings();
        for (const object of [...objects].reverse()) {
            await cluster.deleteIfPresent(referenceOf(object));
        }
        fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
    });

    it("previews a pending change with refresh and plans what the cluster admin's preview plans", async () => {
        const namespaces = workspace.getSetting<Record<string, { quota: Record<string, string> }>>(
            project,
            "namespaces",
        );
        namespaces["seldon-system"].quota.pods = "120";
        workspace.setSettings(project, { namespaces });

        const limited = await preview({ KUBECONFIG: kubeconfig });
        const admin = await preview({});
        // A read refused during the refresh shows up here first (a Deployment "in an unhealthy
        // state" when its ReplicaSets and Pods cannot be listed), then as an update in the plan.
        const complaints = (limited.diagnostics ?? []).filter((diagnostic) => diagnostic.severity !== "info");
        assert.deepStrictEqual(complaints, []);
        const plan = (report: PreviewReport) =>
            (report.steps ?? []).map((step) => `${step.op} ${step.urn.replace(/^.*::/, "")}`).sort();
        assert.deepStrictEqual(plan(limited), plan(admin));
        const changes = plan(limited).filter((step) => !/^(same|refresh) /.test(step));
        assert.deepStrictEqual(
            changes.filter((step) => step.endsWith("-seldon-system-quota")).map((step) => step.split(" ")[0]),
            ["update"],
            changes.join("\n"),
        );
    });

    it("runs preview.yml's preflight and address map with nothing refused", async () => {
        const preflight = await run(
            "npm",
            ["run", "--silent", "preflight", "--", "--stack", "local", "--json"],
            {
                cwd: workspace.directory,
                env: { ...process.env, KUBECONFIG: kubeconfig },
            },
        );
        const findings = (JSON.parse(preflight.stdout) as { findings: { message: string }[] }).findings;
        assert.deepStrictEqual(
            findings.filter((finding) => finding.message.startsWith("not read")),
            [],
            preflight.output,
        );
        const addresses = await run(
            "npm",
            ["run", "--silent", "addresses", "--", "--stack", "local", "--cluster"],
            {
                cwd: workspace.directory,
                env: { ...process.env, KUBECONFIG: kubeconfig },
            },
        );
        assert.strictEqual(addresses.code, 0, addresses.output);
        assert.match(addresses.stdout, /192\.168\.1\.249/);
    });

    it("is refused every write, a dry run as much as the real one, and every other Secret", async () => {
        const refusals = [
            ["create", "configmap", "from-a-pull-request", "-n", "seldon-system", "--dry-run=server"],
            ["create", "configmap", "from-a-pull-request", "-n", "seldon-system"],
            ["delete", "resourcequota", "seldon-system-quota", "-n", "seldon-system", "--dry-run=server"],
            [
                "create",
                "clusterrolebinding",
                "mine",
                "--clusterrole=cluster-admin",
                "--user=me",
                "--dry-run=server",
            ],
            ["get", "secrets", "-n", "metallb-system"],
            ["get", "secrets", "-n", "kube-system"],
        ];
        for (const args of refusals) {
            const result = await kubectl(args);
            assert.notStrictEqual(result.code, 0, `kubectl ${args.join(" ")}:\n${result.output}`);
            assert.match(result.stderr, /forbidden/i, `kubectl ${args.join(" ")}`);
        }
    });
});
