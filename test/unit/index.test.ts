import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import {
    findObject,
    findResource,
    ProgramFailure,
    ProgramRun,
    resourcesOfType,
    runProgram,
    stackSettings,
} from "../harness/program";
import { addressReport } from "../../cli/addresses";
import { Editable, projectRoot } from "../harness/stackConfig";

describe("program (index.ts)", () => {
    describe("homelab stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram();
        });

        it("exports the reserved ingress address, the pool split and the cluster-DNS endpoints", () => {
            const outputs = { ...run.outputs };
            delete outputs.addressPlan; // the next test's
            assert.deepStrictEqual(outputs, {
                ingressAddress: "192.168.1.249",
                ingressPool: "ingress-pool",
                generalPoolAddresses: ["192.168.1.200-192.168.1.248", "192.168.1.250/32"],
                reservedPools: { "ingress-pool": "192.168.1.249" },
                mlflowTrackingUri: "http://mlflow.mlflow.svc.cluster.local:5000",
                serviceEndpoints: { MLFLOW_TRACKING_URI: "http://mlflow.mlflow.svc.cluster.local:5000" },
                workflowNamespaces: ["seldon-system"],
            });
        });

        it("exports the address map that `npm run addresses` prints offline, as a plain string", async () => {
            const printed = await addressReport(["--stack", "homelab"]);
            // The mocks name the stack `test`; the settings are the homelab's.
            assert.strictEqual(run.outputs.addressPlan, printed.replace("stack homelab:", "stack test:"));
        });

        it("declares only the six components at the top, every other resource inside one of them", () => {
            const topLevel = run.resources.filter((resource) => resource.parent === undefined);
            assert.deepStrictEqual(topLevel.map((resource) => `${resource.type} ${resource.name}`).sort(), [
                "homelab:platform:AdmissionGuard admission-guard",
                "homelab:platform:ArgoWorkflows argo-workflows",
                "homelab:platform:IngressController ingress",
                "homelab:platform:Metallb metallb",
                "homelab:platform:NamespaceGovernance namespace-governance",
                "homelab:platform:ServiceDiscovery service-discovery",
            ]);
            const componentUrns = new Set(topLevel.map((resource) => resource.urn));
            const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
            for (const resource of run.resources.filter((entry) => entry.parent !== undefined)) {
                let ancestor = resource;
                while (ancestor.parent !== undefined && byUrn.has(ancestor.parent)) {
                    ancestor = byUrn.get(ancestor.parent)!;
                }
                assert.ok(componentUrns.has(ancestor.urn), `${resource.name} is outside the six components`);
            }
        });

        it("records a component's arguments as plain data, with resources as their URNs", () => {
            const ingress = findResource(run, "homelab:platform:IngressController", "ingress");
            assert.deepStrictEqual(ingress.inputs.addressPools, [
                findObject(run, "IPAddressPool", "homelab-pool").urn,
                findObject(run, "IPAddressPool", "ingress-pool").urn,
            ]);
            assert.strictEqual((ingress.inputs.ingress as Editable).reservedAddress, "192.168.1.249");
            const discovery = findResource(run, "homelab:platform:ServiceDiscovery", "service-discovery");
            const governance = findResource(
                run,
                "homelab:platform:NamespaceGovernance",
                "namespace-governance",
            );
            assert.deepStrictEqual(discovery.inputs.governance, [governance.urn]);
        });

        it("waits for chart readiness when the cluster has nodes", () => {
            const charts = resourcesOfType(run, "kubernetes:helm.sh/v4:Chart");
            assert.strictEqual(charts.length, 3);
            for (const chart of charts) {
                assert.strictEqual(chart.inputs.skipAwait, false, chart.name);
            }
        });
    });

    it("on the local stack, reads charts from the fixtures and waits for their readiness", async () => {
        const run = await runProgram({ stack: "local" });
        const charts = Object.fromEntries(
            resourcesOfType(run, "kubernetes:helm.sh/v4:Chart").map((chart) => [chart.name, chart.inputs]),
        );
        const fixture = (name: string) => path.join(projectRoot, "test", "fixtures", "charts", name);
        assert.deepStrictEqual(
            Object.fromEntries(
                Object.entries(charts).map(([name, inputs]) => [name, [inputs.chart, inputs.skipAwait]]),
            ),
            {
                "metallb-chart": [fixture("metallb"), false],
                "ingress-chart": [fixture("ingress-nginx"), false],
                "argo-workflows-chart": [fixture("argo-workflows"), false],
            },
        );
        for (const inputs of Object.values(charts)) {
            assert.strictEqual(inputs.version, undefined);
            assert.strictEqual(inputs.repositoryOpts, undefined);
        }
    });

    it("stops with every settings problem, as an error without a stack trace, before declaring any resource", async () => {
        const settings = stackSettings() as Editable;
        settings.metallb.reservations[0].address = "192.168.1.300";
        settings.ingress.controller = "haproxy";
        await assert.rejects(
            runProgram({ overrides: { metallb: settings.metallb, ingress: settings.ingress } }),
            (error: unknown) => {
                assert.ok(error instanceof ProgramFailure, String(error));
                // RunError: the CLI prints its message alone, not an unhandled exception.
                assert.ok(pulumi.RunError.isInstance(error.cause), String(error.cause));
                assert.strictEqual(
                    error.message,
                    "Invalid stack settings (2 problems):\n" +
                        '  - metallb.reservations[0].address: "192.168.1.300" is not an IP address\n' +
                        '  - ingress.controller: "haproxy" must be one of ingress-nginx, nginx-ingress',
                );
                assert.deepStrictEqual(error.resources, []);
                return true;
            },
        );
    });

    it("stops on two services publishing one variable before any component is declared", async () => {
        const services = stackSettings().services as Editable;
        services.registry = { ...services.mlflow, service: "zot", namespace: "registry" };
        await assert.rejects(runProgram({ overrides: { services } }), (error: unknown) => {
            assert.ok(error instanceof ProgramFailure, String(error));
            assert.strictEqual(
                error.message,
                "Invalid stack settings (1 problem):\n" +
                    '  - services.registry.variable: "MLFLOW_TRACKING_URI" is already used by services.mlflow.variable',
            );
            assert.deepStrictEqual(error.resources, []);
            return true;
        });
    });

    it("reports a missing top-level setting by its key", async () => {
        await assert.rejects(runProgram({ overrides: { argo: undefined } }), (error: unknown) => {
            assert.ok(error instanceof ProgramFailure, String(error));
            assert.match(error.message, /^ {2}- argo is required \(an object\)$/m);
            assert.deepStrictEqual(error.resources, []);
            return true;
        });
    });
});
