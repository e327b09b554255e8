// The main job, told on the embedded cluster and its real node: the homelab as it was made (Helm
// installs, a pool by hand), two of its debts failing for real (the quota, DNS), the migration
// (adopt the Helm releases, `pulumi up`), then what MetalLB, Argo and the LAN see on the converged
// cluster, and the policy pack refusing the old conflict. Run by hack/demo.sh inside
// hack/control-plane.sh, which tears everything down.

import * as os from "os";
import * as path from "path";
import { apiMessageOf, Cluster, KubernetesObject } from "./cluster/cluster";
import { arpAnswer, httpFromLan, nodeMac } from "./cluster/lan";
import {
    allocationOf,
    argoApi,
    finishedWorkflow,
    pointTrainingTemplateAtServiceDns,
    quotaReference,
    readWorkflow,
    recreateSeedCluster,
    scriptWorkflow,
    seed,
    seedQuota,
    submitTrainingWorkflow,
    adoptHelmReleases,
    seedReleases,
} from "./cluster/seed";
import { policyPackArgs, PulumiWorkspace, repositoryRoot } from "./cluster/workspace";
import { readAddressRequest, specLoadBalancerIpField } from "../lib/metallb/serviceRequest";

const cluster = new Cluster();
// Bare, `--suppress-permalink` means "false" (its optional value defaults so) and turns the link on.
const quietFlags = ["--suppress-progress", "--suppress-permalink=true"];

function step(number: number, title: string): void {
    console.log(`\n=== ${number}/7  ${title}\n`);
}

/** A workflow step's own output, without the lines Argo's emissary adds around it. */
function stepOutput(log: string): string {
    return log
        .trim()
        .split("\n")
        .filter((line) => !line.startsWith("time=") && !line.startsWith("Error: exit status"))
        .map((line) => `  ${line}`)
        .join("\n");
}

/** What a host on the LAN sees at the ingress address: who answers ARP, and what HTTP answers. */
async function printLanView(): Promise<void> {
    const mac = await arpAnswer(seed.ingressAddress);
    const node = await nodeMac();
    console.log(
        `  LAN host: ARP who-has ${seed.ingressAddress} -> ${mac ?? "no answer"}` +
            (mac === node ? " (the node, announced by MetalLB's speaker)" : ""),
    );
    const { body, error } = await httpFromLan(`http://${seed.ingressAddress}/`);
    console.log(`  LAN host: GET http://${seed.ingressAddress}/ -> ${(body ?? error ?? "").trim()}`);
}

function table(rows: string[][]): void {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) {
        console.log(
            "  " +
                row
                    .map((cell, column) => cell.padEnd(widths[column]))
                    .join("  ")
                    .trimEnd(),
        );
    }
}

/** Every LoadBalancer Service: the address MetalLB gave it, and from which pool. */
async function printAllocations(): Promise<void> {
    const services = (await cluster.list("v1", "Service")).filter(
        (service) => service.spec.type === "LoadBalancer",
    );
    table([
        ["SERVICE", "ADDRESS", "POOL (metallb.io/ip-allocated-from-pool)", "REQUESTED"],
        ...services.map((service) => {
            const allocation = allocationOf(service);
            const request = readAddressRequest(
                service.metadata.annotations ?? {},
                service.spec.loadBalancerIP,
            );
            const requested =
                request?.written
                    .map(({ text, field }) =>
                        field === specLoadBalancerIpField ? `${text} (${field})` : text,
                    )
                    .join(", ") || "-";
            return [
                `${service.metadata.namespace}/${service.metadata.name}`,
                allocation.address ?? "<pending>",
                allocation.pool ?? "-",
                requested,
            ];
        }),
    ]);
}

async function waitForWorkflow(name: string, phases: string[]): Promise<KubernetesObject> {
    return cluster.waitFor(`workflow ${name}`, async () => {
        const workflow = await readWorkflow(cluster, name);
        return phases.includes(workflow.status?.phase) ? workflow : undefined;
    });
}

async function main(): Promise<void> {
    const platform = await PulumiWorkspace.create({ programDirectory: repositoryRoot, stack: "local" });
    const regressions = await PulumiWorkspace.create({
        programDirectory: path.join(repositoryRoot, "test/fixtures/programs/regressions"),
        stack: "demo",
    });
    try {
        step(
            1,
            "The seed: helm install metallb, ingress-nginx (--set controller.service.loadBalancerIP=192.168.1.249), argo-workflows; homelab-pool by hand",
        );
        await recreateSeedCluster(cluster);
        await printAllocations();
        console.log("");
        await printLanView();
        console.log(
            `\n  192.168.1.249 sits in the auto-assign pool ${seed.poolName}: any new Service could be handed it.`,
        );

        step(
            2,
            "Debt 1, for real: the quota put back by hand, and a workflow submitted to Argo's controller",
        );
        await cluster.create(seedQuota);
        await cluster.waitFor(
            "the quota's status",
            async () => (await cluster.read(quotaReference)).status?.hard,
        );
        const failing = await submitTrainingWorkflow(cluster);
        const failed = await waitForWorkflow(failing, ["Failed", "Error"]);
        console.log(`  workflow ${failing}: ${failed.status.phase}\n  ${failed.status.message}`);
        await cluster.delete({
            apiVersion: argoApi,
            kind: "Workflow",
            name: failing,
            namespace: seed.workflowNamespace,
        });
        await cluster.delete(quotaReference);
        console.log("\n  (the quota deleted again: the workaround the stack pays off)");

        step(
            3,
            "Debt 2, for real: a workflow step looks up MLflow's name under the namespace's default-deny egress",
        );
        const lookup = `nslookup ${seed.mlflowServiceUri.replace(/^http:\/\/|:\d+$/g, "")}`;
        const dnsFailure = await cluster.create(scriptWorkflow("dns-lookup", lookup));
        const dnsFailed = await finishedWorkflow(cluster, dnsFailure.metadata.name);
        console.log(
            `  $ ${lookup}   (workflow ${dnsFailure.metadata.name}: ${dnsFailed.workflow.status.phase})`,
        );
        console.log(stepOutput(dnsFailed.log));

        step(4, "Migration: npm run adopt-helm-releases -- --yes ..., then pulumi up");
        const adoption = await adoptHelmReleases([
            "--yes",
            "--stack",
            "local",
            "--backup",
            path.join(os.tmpdir(), `homelab-demo-release-records-${process.pid}`),
            ...seedReleases,
        ]);
        console.log(
            adoption.stdout
                .split("\n")
                .filter((line) => !line.startsWith("  "))
                .join("\n"),
        );
        const up = await platform.pulumiOrFail(["up", "--yes", ...quietFlags]);
        console.log(
            up.stdout
                .slice(up.stdout.indexOf("Updating ("))
                .split("\n")
                .filter((line) => /^(Resources:| {4}[+~-] |Duration:)/.test(line))
                .join("\n"),
        );

        step(5, "Addresses as MetalLB reports them after the update, and the LAN's view of 192.168.1.249");
        await printAllocations();
        console.log("");
        await printLanView();

        step(
            6,
            "After the update: the DNS probe's log, and the training workflow admitted with the settings' resources, reaching MLflow by name",
        );
        const probeJobs = (await cluster.list("batch/v1", "Job", seed.workflowNamespace))
            .filter((job) => job.metadata.labels?.["app.kubernetes.io/name"] === "dns-probe")
            .map((job) => job.metadata.name);
        const probePods = (await cluster.list("v1", "Pod", seed.workflowNamespace)).filter((pod) =>
            probeJobs.includes(pod.metadata.labels?.["job-name"]),
        );
        for (const pod of probePods) {
            const log = await cluster.podLog(seed.workflowNamespace, pod.metadata.name);
            console.log(`  DNS probe ${pod.metadata.name}: ${log.trim().split("\n").join("; ")}`);
        }
        const dnsRepaired = await cluster.create(scriptWorkflow("dns-lookup", lookup));
        const dnsWorked = await finishedWorkflow(cluster, dnsRepaired.metadata.name);
        console.log(
            `  $ ${lookup}   (workflow ${dnsRepaired.metadata.name}: ${dnsWorked.workflow.status.phase})\n`,
        );
        // The admission guard refuses pods that reach MLflow at a LoadBalancer IP: the seed's
        // template takes MLflow's cluster-DNS name first.
        await pointTrainingTemplateAtServiceDns(cluster);
        console.log(
            `  ${seed.workflowTemplate}: MLFLOW_TRACKING_URI from ConfigMap platform-endpoints (${seed.mlflowServiceUri})\n`,
        );
        const admitted = await submitTrainingWorkflow(cluster, 30);
        const pod = await cluster.waitFor("the workflow's pod", async () => {
            const pods = await cluster.list("v1", "Pod", seed.workflowNamespace);
            const found = pods.find(
                (entry) => entry.metadata.labels?.["workflows.argoproj.io/workflow"] === admitted,
            );
            return found?.status?.phase === "Running" ? found : undefined;
        });
        const resources = (container: KubernetesObject) =>
            `requests ${container.resources.requests.cpu}/${container.resources.requests.memory}, ` +
            `limits ${container.resources.limits.cpu}/${container.resources.limits.memory}`;
        table([
            ["CONTAINER", "RESOURCES (cpu/memory)", "PULL POLICY"],
            ...[...pod.spec.initContainers, ...pod.spec.containers].map((container: KubernetesObject) => [
                container.name,
                resources(container),
                container.imagePullPolicy,
            ]),
        ]);
        const used = await cluster.waitFor("the quota to count the pod", async () => {
            const quota = await cluster.read(quotaReference);
            return quota.status?.used?.pods === "1" ? quota.status.used : undefined;
        });
        console.log(`\n  ${seed.quotaName} used: ${JSON.stringify(used)}`);
        const trained = await finishedWorkflow(cluster, admitted);
        console.log(`  workflow ${admitted}: ${trained.workflow.status.phase}; its step printed:`);
        console.log(
            trained.log
                .trim()
                .split("\n")
                .filter((line) => /MLFLOW_TRACKING_URI|mlflow stand-in/.test(line))
                .map((line) => `    ${line}`)
                .join("\n"),
        );

        step(
            7,
            "The policy pack refuses a program that puts 192.168.1.249 back into the auto-assign pool; the API server, the seed's kubectl delete",
        );
        regressions.setSettings("seed-regressions", { scenario: "ingress-ip-in-auto-pool" });
        const blocked = await regressions.preview([...policyPackArgs(), ...quietFlags]);
        if (blocked.code === 0) {
            throw new Error("the conflicting program was not blocked");
        }
        console.log(
            blocked.output
                .split("\n")
                .filter((line) => /\[mandatory\]|\[advisory\]| {10}\S/.test(line))
                .join("\n"),
        );
        console.log(`\n  (pulumi preview exited with ${blocked.code}, as it should)`);
        // And the API server itself refuses the seed's hand command (the admission guard).
        const refusal = await cluster.deleteAsKubectl(quotaReference).then(
            () => undefined,
            (error: unknown) => apiMessageOf(error),
        );
        if (refusal === undefined) {
            throw new Error("the API server let the quota be deleted");
        }
        console.log(
            `\n  $ kubectl delete resourcequota ${seed.quotaName} -n ${seed.workflowNamespace}\n  ${refusal}`,
        );
    } finally {
        regressions.dispose();
        platform.dispose();
    }
}

main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
});
