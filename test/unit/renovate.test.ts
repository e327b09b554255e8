// The update bot sees every pin: renovate.json's custom managers, applied to the repository's files
// the way Renovate applies them (each matchString over each file its managerFilePatterns select),
// must find every chart, image and toolchain version, with the value the file holds. And pins that
// must move together (a chart, the controller the tests run, the fixture chart, the image the
// node runs) agree, so a bump of one of them fails here until the rest follow.
// renovate-config-validator (hack/lint-ci-files.sh) checks the config's own schema.

import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { projectRoot } from "../harness/stackConfig";

interface CustomManager {
    customType: string;
    managerFilePatterns: string[];
    matchStrings: string[];
    datasourceTemplate?: string;
}

interface Dependency {
    file: string;
    datasource?: string;
    depName?: string;
    registryUrl?: string;
    currentValue?: string;
}

const renovateConfig = JSON.parse(fs.readFileSync(path.join(projectRoot, "renovate.json"), "utf8")) as {
    customManagers: CustomManager[];
};

function read(file: string): string {
    return fs.readFileSync(path.join(projectRoot, file), "utf8");
}

/** Renovate writes regex file patterns as "/.../". */
function filePattern(pattern: string): RegExp {
    const match = /^\/(.*)\/$/.exec(pattern);
    assert.ok(match, `managerFilePatterns entry ${pattern} is not a /regex/`);
    return new RegExp(match[1]);
}

/** The repository's files a pattern can mean: top-level files and hack/. */
const candidateFiles = [
    ...fs.readdirSync(projectRoot).filter((name) => fs.statSync(path.join(projectRoot, name)).isFile()),
    ...fs.readdirSync(path.join(projectRoot, "hack")).map((name) => `hack/${name}`),
];

/** What the custom managers extract, in the order Renovate would find them. */
function extractDependencies(): Dependency[] {
    const found: Dependency[] = [];
    for (const manager of renovateConfig.customManagers) {
        const files = candidateFiles.filter((file) =>
            manager.managerFilePatterns.some((pattern) => filePattern(pattern).test(file)),
        );
        for (const file of files) {
            for (const matchString of manager.matchStrings) {
                for (const match of read(file).matchAll(new RegExp(matchString, "g"))) {
                    found.push({
                        file,
                        datasource: manager.datasourceTemplate ?? match.groups?.datasource,
                        ...match.groups,
                    });
                }
            }
        }
    }
    return found;
}

/** NAME=value lines of hack/toolchain.sh. */
function toolchainPins(): Map<string, string> {
    return new Map(
        [...read("hack/toolchain.sh").matchAll(/^([A-Z0-9_]+_VERSION)=(\S+)$/gm)].map((match) => [
            match[1],
            match[2],
        ]),
    );
}

describe("renovate.json", () => {
    const dependencies = extractDependencies();

    it("finds every Helm chart of Pulumi.yaml with its repository and version", () => {
        const charts = (
            yaml.load(read("Pulumi.yaml")) as {
                config: { charts: { default: Record<string, { repository: string; version: string }> } };
            }
        ).config.charts.default;
        assert.deepStrictEqual(
            dependencies.filter((dependency) => dependency.datasource === "helm"),
            Object.entries(charts).map(([name, chart]) => ({
                file: "Pulumi.yaml",
                datasource: "helm",
                depName: name,
                registryUrl: chart.repository,
                currentValue: chart.version,
            })),
        );
    });

    it("finds the DNS probe's image", () => {
        assert.deepStrictEqual(
            dependencies.filter((dependency) => dependency.datasource === "docker"),
            [
                {
                    file: "Pulumi.local.yaml",
                    datasource: "docker",
                    depName: "busybox",
                    currentValue: "1.35.0",
                },
                { file: "Pulumi.yaml", datasource: "docker", depName: "busybox", currentValue: "1.37.0" },
            ],
        );
    });

    it("finds every toolchain version but the provider's pseudo-version, with its module", () => {
        const pins = toolchainPins();
        const found = dependencies.filter((dependency) => dependency.file === "hack/toolchain.sh");
        assert.deepStrictEqual(
            found.map((dependency) => dependency.currentValue),
            [...pins].filter(([name]) => name !== "K8S_PROVIDER_MODULE_VERSION").map(([, value]) => value),
        );
        assert.deepStrictEqual(
            found.map((dependency) => `${dependency.datasource} ${dependency.depName}`),
            [
                "go github.com/pulumi/pulumi/pkg/v3",
                "go github.com/pulumi/pulumi/sdk/v3",
                "npm @pulumi/kubernetes",
                "go github.com/pulumi/pulumi-kubernetes/sdk/v4",
                "go go.etcd.io/etcd/server/v3",
                "go k8s.io/kubernetes",
                "go github.com/coredns/coredns",
                "go github.com/cloudnativelabs/kube-router/v2",
                "go go.universe.tf/metallb",
                "go github.com/argoproj/argo-workflows/v3",
                "go helm.sh/helm/v3",
                "go github.com/rhysd/actionlint",
            ],
        );
    });

    it("uses only patterns RE2 accepts (Renovate's regex engine): no lookaround, no backreference", () => {
        const patterns = renovateConfig.customManagers.flatMap((manager) => manager.matchStrings);
        assert.deepStrictEqual(
            patterns.filter((pattern) => /\(\?<?[=!]|\\[1-9]|\\k</.test(pattern)),
            [],
        );
    });
});

describe("pins that move together", () => {
    const pins = toolchainPins();
    const chartVersion = (name: string) =>
        (
            yaml.load(read("Pulumi.yaml")) as {
                config: { charts: { default: Record<string, { version: string }> } };
            }
        ).config.charts.default[name].version;
    const fixtureChart = (name: string) =>
        yaml.load(read(`test/fixtures/charts/${name}/Chart.yaml`)) as { version: string; appVersion: string };

    for (const chart of ["metallb", "ingress-nginx", "nginx-ingress", "argo-workflows"]) {
        it(`the fixture chart ${chart} follows the chart version in Pulumi.yaml`, () => {
            assert.strictEqual(fixtureChart(chart).version, chartVersion(chart));
        });
    }

    // The node's images are tagged with the pins (hack/node-images.sh takes them as *_TAG).
    const imageTags =
        /COREDNS_TAG=\$COREDNS_VERSION METALLB_TAG=\$METALLB_VERSION ARGO_TAG=\$ARGO_WORKFLOWS_VERSION/;

    it("the MetalLB controller and speaker the tests build and run are the chart's appVersion", () => {
        assert.strictEqual(pins.get("METALLB_VERSION"), fixtureChart("metallb").appVersion);
        assert.match(read("hack/toolchain.sh"), imageTags);
        assert.match(
            read("hack/node-images.sh"),
            /METALLB_CONTROLLER_IMAGE=quay\.io\/metallb\/controller:\$\{METALLB_TAG:\?\}\n/,
        );
        assert.match(
            read("hack/node-images.sh"),
            /METALLB_SPEAKER_IMAGE=quay\.io\/metallb\/speaker:\$METALLB_TAG\n/,
        );
    });

    it("the workflow-controller and argoexec the tests build and run are the chart's appVersion", () => {
        assert.strictEqual(pins.get("ARGO_WORKFLOWS_VERSION"), fixtureChart("argo-workflows").appVersion);
        assert.match(read("hack/toolchain.sh"), imageTags);
        assert.match(
            read("hack/node-images.sh"),
            /WORKFLOW_CONTROLLER_IMAGE=quay\.io\/argoproj\/workflow-controller:\$\{ARGO_TAG:\?\}\n/,
        );
        assert.match(read("hack/node-images.sh"), /ARGOEXEC_IMAGE=quay\.io\/argoproj\/argoexec:\$ARGO_TAG\n/);
    });

    it("the kubernetes plugin is @pulumi/kubernetes' version", () => {
        const packageJson = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
        assert.strictEqual(pins.get("K8S_PROVIDER_VERSION"), packageJson.dependencies["@pulumi/kubernetes"]);
        assert.strictEqual(pins.get("K8S_PROVIDER_SDK_VERSION"), `v${pins.get("K8S_PROVIDER_VERSION")}`);
    });
});
