// The whole homelab program, run under mocks (test/harness/program.ts), fed to the whole pack: the
// homelab settings pass, and each of the write-up's three debts, reintroduced into the program's
// resources, is blocked with a message naming the resources, the addresses or keys, and the fix.
// The program's own settings validation refuses these states, so each one edits what the program
// registered, the way a hand edit or another program would produce it.

import * as assert from "assert";
import { ProgramRun, RecordedResource, runProgram } from "../harness/program";
import { ResourceSpec } from "../harness/policy/harness";
import { homelabPolicyConfig, packViolations } from "../harness/policy/packRun";

function specsOf(resources: RecordedResource[]): ResourceSpec[] {
    return resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: structuredClone(resource.inputs),
        parent: resource.parent,
        dependsOn: resource.dependencies,
    }));
}

/** The program's resources with some edited (by Pulumi name) or dropped (edit returns null). */
function edited(
    run: ProgramRun,
    edits: Record<string, (props: Record<string, unknown>) => Record<string, unknown> | null>,
): ResourceSpec[] {
    const specs: ResourceSpec[] = [];
    for (const spec of specsOf(run.resources)) {
        const edit = edits[spec.name];
        const props = edit ? edit(spec.props) : spec.props;
        if (props) {
            specs.push({ ...spec, props });
        }
    }
    const missing = Object.keys(edits).filter(
        (name) => !run.resources.some((resource) => resource.name === name),
    );
    assert.deepStrictEqual(missing, [], "the program no longer registers these resources");
    return specs;
}

async function mandatory(
    specs: ResourceSpec[],
): Promise<{ policy: string; message: string; urn?: string }[]> {
    return (await packViolations(specs, homelabPolicyConfig()))
        .filter((found) => found.level === "mandatory")
        .map(({ policy, violation }) => ({ policy, message: violation.message, urn: violation.urn }));
}

function urnOf(run: ProgramRun, name: string): string {
    return run.resources.find((resource) => resource.name === name)!.urn;
}

describe("the homelab program under the policy pack", function () {
    this.timeout(120_000);
    let run: ProgramRun;
    before(async () => {
        run = await runProgram();
    });

    it("passes with the homelab settings: nothing mandatory, only the retired ingress chart as advisory", async () => {
        const found = await packViolations(specsOf(run.resources), homelabPolicyConfig());
        assert.deepStrictEqual(
            found.map(({ policy, level, violation }) => ({ policy, level, urn: violation.urn })),
            [{ policy: "community-ingress-nginx-is-retired", level: "advisory", urn: undefined }],
        );
    });

    it("passes during preview too", async () => {
        const preview = await runProgram({ preview: true });
        const found = await packViolations(specsOf(preview.resources), homelabPolicyConfig());
        assert.deepStrictEqual(
            found.map(({ policy, level }) => `${level} ${policy}`),
            ["advisory community-ingress-nginx-is-retired"],
        );
    });

    it("blocks the seed's MetalLB state: one general pool 192.168.1.200-192.168.1.250, no reservation, ingress on .249", async () => {
        const specs = edited(run, {
            "metallb-homelab-pool": (props) => ({
                ...props,
                spec: { addresses: ["192.168.1.200-192.168.1.250"], autoAssign: true },
            }),
            "metallb-ingress-pool": () => null,
            "metallb-homelab-l2": (props) => ({ ...props, spec: { ipAddressPools: ["homelab-pool"] } }),
        });
        const chart = 'Chart ingress-nginx/ingress-nginx (Pulumi name "ingress-chart")';
        assert.deepStrictEqual(await mandatory(specs), [
            {
                policy: "requested-loadbalancer-ips-are-reserved",
                message:
                    `${chart} requests LoadBalancer IP 192.168.1.249 (values ` +
                    'controller.service.annotations["metallb.io/loadBalancerIPs"]), which lies in IPAddressPool ' +
                    'metallb-system/homelab-pool (Pulumi name "metallb-homelab-pool") (192.168.1.200-192.168.1.250) with ' +
                    "autoAssign enabled: MetalLB can hand it to any other LoadBalancer Service first. Reserve it: in " +
                    "homelab-pool, replace 192.168.1.200-192.168.1.250 with 192.168.1.200-192.168.1.248, 192.168.1.250/32, " +
                    "and add a pool with addresses [192.168.1.249/32] and autoAssign: false.",
                urn: urnOf(run, "ingress-chart"),
            },
            {
                policy: "pinned-pool-contains-requested-ip",
                message:
                    `${chart} pins IPAddressPool "ingress-pool" (values ` +
                    'controller.service.annotations["metallb.io/address-pool"]), but no IPAddressPool in this stack has that ' +
                    "name: MetalLB never assigns the Service an address. Declare the pool or correct the annotation.",
                urn: urnOf(run, "ingress-chart"),
            },
        ]);
    });

    it("blocks the seed's quota state: the quota without LimitRange defaults, Argo's executor resources removed", async () => {
        const specs = edited(run, {
            "namespace-governance-seldon-system-limits": () => null,
            "argo-workflows-chart": (props) => ({
                ...props,
                values: { ...(props.values as object), executor: {} },
            }),
        });
        const quota =
            'ResourceQuota seldon-system/seldon-system-quota (Pulumi name "namespace-governance-seldon-system-quota")';
        assert.deepStrictEqual(await mandatory(specs), [
            {
                policy: "limit-range-defaults-cover-quota",
                message:
                    `${quota} constrains limits.memory, requests.cpu, requests.memory, but no LimitRange (type Container) in ` +
                    "seldon-system defaults limits.memory, requests.cpu, requests.memory: quota admission rejects every " +
                    "container that declares none of its own, such as Argo's init and wait. Add a LimitRange of type " +
                    "Container in seldon-system with " +
                    "default.memory, defaultRequest.cpu, defaultRequest.memory.",
                urn: urnOf(run, "namespace-governance-seldon-system-quota"),
            },
            {
                policy: "argo-executor-resources-satisfy-quota",
                message:
                    'Chart argo/argo-workflows (Pulumi name "argo-workflows-chart") values executor gives Argo\'s executor no ' +
                    `requests.cpu, requests.memory, limits.cpu, limits.memory, while ${quota} constrains limits.memory, ` +
                    "requests.cpu, requests.memory: Argo builds every workflow pod's init and wait containers from the " +
                    "executor, so they declare nothing and quota admission rejects the pod. Set the executor's requests and " +
                    "limits for cpu and memory (values executor.resources), e.g. requests {cpu: 100m, memory: 128Mi}, " +
                    "limits {cpu: 500m, memory: 256Mi}.",
                urn: urnOf(run, "argo-workflows-chart"),
            },
        ]);
    });

    it("blocks the seed's DNS workaround: MLFLOW_TRACKING_URI on a LoadBalancer IP in the endpoints ConfigMap", async () => {
        const specs = edited(run, {
            "service-discovery-seldon-system-endpoints": (props) => ({
                ...props,
                data: { MLFLOW_TRACKING_URI: "http://192.168.1.203:5000" },
            }),
        });
        assert.deepStrictEqual(await mandatory(specs), [
            {
                policy: "in-cluster-clients-use-service-dns",
                message:
                    'ConfigMap seldon-system/platform-endpoints (Pulumi name "service-discovery-seldon-system-endpoints") data ' +
                    'MLFLOW_TRACKING_URI uses "http://192.168.1.203:5000", an address of IPAddressPool ' +
                    'metallb-system/homelab-pool (Pulumi name "metallb-homelab-pool") (192.168.1.200-192.168.1.248), i.e. a ' +
                    "LoadBalancer IP: in-cluster clients then leave the cluster through MetalLB, and break when the address " +
                    "changes. Use the cluster DNS name of the Service behind it (<service>.<namespace>.svc.cluster.local).",
                urn: urnOf(run, "service-discovery-seldon-system-endpoints"),
            },
        ]);
    });
});
