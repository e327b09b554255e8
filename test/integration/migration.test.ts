// `pulumi up` on the seed's cluster (left by seed.test.ts), with the real MetalLB controller and
// webhook and Argo's workflow-controller running: the debts are paid off without taking the
// ingress address away, and the controllers then behave as the stack promises.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Cluster, KubernetesObject } from "./cluster";
import { allocationOf, metallbApi, seed } from "./seed";
import { runOrFail } from "./commands";
import { localStack, PulumiWorkspace, repositoryRoot } from "./workspace";

/** The releases the seed installed with Helm, as NAMESPACE/RELEASE. */
const seedReleases = ["metallb-system/metallb", "ingress-nginx/ingress-nginx", "argo/argo-workflows"];

interface EngineEvent {
    sequence: number;
    resourcePreEvent?: { metadata: { urn: string; op: string } };
    resOutputsEvent?: { metadata: { urn: string; op: string } };
}

/** Engine events that `pulumi up --event-log FILE` wrote, one JSON object per line, in order. */
function readEventLog(file: string): EngineEvent[] {
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as EngineEvent);
}

interface Sample {
    at: number;
    uid?: string;
    address?: string;
    pool?: string;
}

/** Reads the ingress Service every `intervalMs` until stopped; a missing Service is a sample too. */
function sampleIngress(cluster: Cluster, intervalMs = 200): { stop: () => Promise<Sample[]> } {
    const samples: Sample[] = [];
    let running = true;
    const loop = (async () => {
        while (running) {
            const service = await cluster.find(seed.ingressService);
            samples.push({
                at: Date.now(),
                uid: service?.metadata.uid,
                ...(service ? allocationOf(service) : {}),
            });
            await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
    })();
    return {
        stop: async () => {
            running = false;
            await loop;
            return samples;
        },
    };
}

describe("pulumi up on the seed's cluster", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
    });

    describe("the update", () => {
        let events: EngineEvent[];
        let samples: Sample[];
        let ingressBefore: KubernetesObject;

        before(async () => {
            ingressBefore = await cluster.read(seed.ingressService);
            const eventLog = path.join(path.dirname(workspace.directory), "up-events.json");
            // The README's migration: hand the Helm releases over, then `pulumi up`.
            await runOrFail(
                "npm",
                ["run", "--silent", "adopt-helm-releases", "--", "--yes", ...seedReleases],
                {
                    cwd: repositoryRoot,
                },
            );
            const sampler = sampleIngress(cluster);
            const result = await workspace.up(["--event-log", eventLog]);
            samples = await sampler.stop();
            assert.strictEqual(result.code, 0, result.output);
            events = readEventLog(eventLog);
        });

        it("never deletes or replaces the ingress Service, and it holds 192.168.1.249 at every sample", () => {
            assert.ok(samples.length > 20, `only ${samples.length} samples`);
            const wrong = samples.filter(
                (sample) =>
                    sample.uid !== ingressBefore.metadata.uid || sample.address !== seed.ingressAddress,
            );
            assert.deepStrictEqual(wrong, []);
        });

        it("leaves the ingress address allocated from ingress-pool, as MetalLB reports it", async () => {
            const service = await cluster.waitFor("MetalLB to move the ingress to ingress-pool", async () => {
                const current = await cluster.read(seed.ingressService);
                return allocationOf(current).pool === "ingress-pool" ? current : undefined;
            });
            assert.deepStrictEqual(allocationOf(service), {
                address: seed.ingressAddress,
                pool: "ingress-pool",
            });
            assert.strictEqual(service.spec.loadBalancerIP, undefined);
        });

        it("shrinks homelab-pool before it creates ingress-pool", async () => {
            const shrinkDone = events.find(
                (event) =>
                    event.resOutputsEvent?.metadata.urn.endsWith("homelab-pool") &&
                    event.resOutputsEvent.metadata.op !== "same",
            );
            const reservedStarts = events.find(
                (event) =>
                    event.resourcePreEvent?.metadata.urn.endsWith("ingress-pool") &&
                    event.resourcePreEvent.metadata.op === "create",
            );
            assert.ok(shrinkDone, "no operation on homelab-pool in the event log");
            assert.ok(reservedStarts, "no create of ingress-pool in the event log");
            assert.ok(
                shrinkDone.sequence < reservedStarts.sequence,
                "ingress-pool was created before homelab-pool shrank",
            );
            const pool = await cluster.read({
                apiVersion: metallbApi,
                kind: "IPAddressPool",
                name: seed.poolName,
                namespace: "metallb-system",
            });
            assert.deepStrictEqual(pool.spec.addresses, ["192.168.1.200-192.168.1.248", "192.168.1.250/32"]);
        });
    });
});
