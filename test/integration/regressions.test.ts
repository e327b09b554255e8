// The policy pack against programs that bring each debt back, on the same control plane as
// platform.test.ts (which runs first and leaves the converged platform in place). Each scenario
// is run with `pulumi up`: the pack must block it before anything reaches the cluster.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Cluster } from "../../hack/cluster/cluster";
import {
    homelabPolicyConfig,
    policyPackArgs,
    PulumiWorkspace,
    repositoryRoot,
} from "../../hack/cluster/workspace";

const project = "seed-regressions";

interface Scenario {
    name: string;
    /** Substrings the blocked update must print: the policy names and the facts they cite. */
    expected: string[];
}

const scenarios: Scenario[] = [
    {
        name: "ingress-ip-in-auto-pool",
        expected: [
            "metallb-pools-do-not-overlap",
            'IPAddressPool metallb-system/ingress-pool (Pulumi name "ingress-pool") address 192.168.1.249/32 overlaps IPAddressPool metallb-system/homelab-pool',
            "requested-loadbalancer-ips-are-reserved",
            "requests LoadBalancer IP 192.168.1.249 (annotation metallb.io/loadBalancerIPs), which lies in IPAddressPool metallb-system/homelab-pool",
        ],
    },
    {
        name: "quota-without-defaults",
        expected: [
            "limit-range-defaults-cover-quota",
            "defaults limits.memory, requests.cpu, requests.memory: quota admission rejects every container that declares none of its own",
            "argo-executor-resources-satisfy-quota",
            "data.executor gives Argo's executor no requests.cpu, requests.memory, limits.cpu, limits.memory",
        ],
    },
    {
        name: "mlflow-uri-on-lb-ip",
        expected: [
            "in-cluster-clients-use-service-dns",
            'data MLFLOW_TRACKING_URI uses "http://192.168.1.203:5000", an address of IPAddressPool metallb-system/homelab-pool',
        ],
    },
    {
        // A policy the engine's runner calls for one Pulumi type only (validateOnlyType).
        name: "limit-range-misordered",
        expected: [
            "limit-range-values-are-ordered",
            "defaultRequest.memory 512Mi is greater than default.memory 256Mi",
        ],
    },
];

describe("the policy pack blocks each debt from coming back", function () {
    this.timeout(10 * 60 * 1000);
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await PulumiWorkspace.create({
            programDirectory: path.join(repositoryRoot, "test/fixtures/programs/regressions"),
            stack: "seed",
        });
    });

    after(() => workspace?.dispose());

    for (const scenario of scenarios) {
        it(`blocks ${scenario.name} and changes nothing in the cluster`, async () => {
            const poolsBefore = await cluster.list("metallb.io/v1beta1", "IPAddressPool", "metallb-system");
            const quotaBefore = await cluster.read({
                apiVersion: "v1",
                kind: "ResourceQuota",
                name: "seldon-system-quota",
                namespace: "seldon-system",
            });
            workspace.setSettings(project, { scenario: scenario.name });

            const result = await workspace.up(policyPackArgs());

            assert.notStrictEqual(result.code, 0, result.output);
            for (const expected of scenario.expected) {
                assert.ok(result.output.includes(expected), `missing "${expected}" in:\n${result.output}`);
            }
            const created = (await workspace.stateResourceTypes()).filter((type) =>
                type.startsWith("kubernetes:"),
            );
            assert.deepStrictEqual(created, []);
            const poolsAfter = await cluster.list("metallb.io/v1beta1", "IPAddressPool", "metallb-system");
            assert.deepStrictEqual(
                poolsAfter.map((pool) => [pool.metadata.name, pool.spec.addresses]),
                poolsBefore.map((pool) => [pool.metadata.name, pool.spec.addresses]),
            );
            const quotaAfter = await cluster.read({
                apiVersion: "v1",
                kind: "ResourceQuota",
                name: "seldon-system-quota",
                namespace: "seldon-system",
            });
            assert.deepStrictEqual(quotaAfter.spec, quotaBefore.spec);
            assert.strictEqual(
                await cluster.find({
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    name: "training-pipeline-env",
                    namespace: "seldon-system",
                }),
                undefined,
            );
            assert.strictEqual(
                await cluster.find({
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    name: "workflow-controller-configmap",
                    namespace: "argo",
                }),
                undefined,
            );
        });
    }

    // Each case: what is wrong with the policy config file, and the line the CLI stops on before
    // the program runs.
    type PackConfigFile = Record<string, Record<string, unknown>>;
    const badPolicyConfigs: { name: string; text: (shipped: PackConfigFile) => string; error: string }[] = [
        {
            name: "a list given as a string",
            text: (shipped) => {
                shipped["cluster-cidrs-avoid-lan-and-pools"].lanCidrs = "192.168.1.0/24";
                return JSON.stringify(shipped);
            },
            error: "cluster-cidrs-avoid-lan-and-pools: lanCidrs: Invalid type. Expected: array, given: string",
        },
        {
            name: "a prefix length past 32",
            text: (shipped) => {
                shipped["cluster-cidrs-avoid-lan-and-pools"].lanCidrs = ["192.168.1.0/33"];
                return JSON.stringify(shipped);
            },
            error: "cluster-cidrs-avoid-lan-and-pools: lanCidrs.0: Does not match pattern",
        },
        {
            name: "the site's LAN left out",
            text: (shipped) => {
                delete shipped["cluster-cidrs-avoid-lan-and-pools"].lanCidrs;
                return JSON.stringify(shipped);
            },
            error: "cluster-cidrs-avoid-lan-and-pools: lanCidrs is required",
        },
        // The CLI reads both as "no configuration"; with no default for the LAN, that is refused
        // instead of checking against a network that may not be the site's.
        {
            name: "nothing in the file",
            text: () => "",
            error: "cluster-cidrs-avoid-lan-and-pools: lanCidrs is required",
        },
        {
            name: "null",
            text: () => "null",
            error: "cluster-cidrs-avoid-lan-and-pools: lanCidrs is required",
        },
    ];

    for (const bad of badPolicyConfigs) {
        it(`refuses a policy config with ${bad.name}, before the program runs`, async () => {
            const shipped = JSON.parse(fs.readFileSync(homelabPolicyConfig, "utf8"));
            const badConfig = path.join(path.dirname(workspace.directory), "bad-policy-config.json");
            fs.writeFileSync(badConfig, bad.text(shipped));
            workspace.setSettings(project, { scenario: "mlflow-uri-on-lb-ip" });

            const result = await workspace.preview(policyPackArgs(badConfig));

            assert.notStrictEqual(result.code, 0, result.output);
            assert.ok(result.output.includes(bad.error), result.output);
            assert.ok(!result.output.includes("training-pipeline-env"), "the program ran");
        });
    }
});
