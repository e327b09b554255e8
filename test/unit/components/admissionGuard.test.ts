import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AdmissionGuard } from "../../../components/admissionGuard";
import { admissionGuardParameterData, admissionRules } from "../../../components/admissionRules";
import { planPools } from "../../../lib/metallb/poolLayout";
import { admissionGuardParametersOf } from "../../../stacks/guardParameters";
import { validateSettings } from "../../../stacks/validation";
import {
    findObject,
    findResource,
    ProgramRun,
    resourcesOfType,
    runProgram,
    stackSettings,
} from "../../harness/program";
import { Editable } from "../../harness/stackConfig";

/** The homelab's namespaces, as each binding selects them: nothing outside them is judged. */
const namespaceNamed = (values: string[]) => ({
    namespaceSelector: {
        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values }],
    },
});
const namespaceSelectors: Record<string, object> = {
    "loadbalancer-addresses": {},
    "governed-quotas": namespaceNamed(["seldon-system"]),
    "service-dns": namespaceNamed(["seldon-system"]),
    "reserved-pools": namespaceNamed(["metallb-system"]),
};

const bindingType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const policyType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";

describe("AdmissionGuard", () => {
    describe("homelab stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram();
        });

        it("keeps its parameters in kube-system, derived from the settings", () => {
            const parameters = findObject(
                run,
                "ConfigMap",
                "homelab-platform-admission-guard",
                "kube-system",
            );
            const settings = validateSettings(stackSettings());
            assert.deepStrictEqual(
                parameters.inputs.data,
                admissionGuardParameterData(
                    admissionGuardParametersOf(settings, planPools(settings.metallb)),
                ),
            );
        });

        it("declares each policy as written, and binds it with Deny to the parameters, which must exist, in its namespaces", () => {
            const byName = (type: string) =>
                Object.fromEntries(
                    resourcesOfType(run, type).map((resource) => [
                        (resource.inputs.metadata as Editable).name,
                        resource.inputs.spec,
                    ]),
                );
            assert.deepStrictEqual(
                byName(policyType),
                Object.fromEntries(admissionRules.map((rule) => [rule.name, rule.spec])),
            );
            assert.deepStrictEqual(
                byName(bindingType),
                Object.fromEntries(
                    admissionRules.map((rule) => [
                        rule.name,
                        {
                            policyName: rule.name,
                            validationActions: ["Deny"],
                            paramRef: {
                                name: "homelab-platform-admission-guard",
                                namespace: "kube-system",
                                parameterNotFoundAction: "Deny",
                            },
                            matchResources: {
                                ...namespaceSelectors[rule.key],
                                excludeResourceRules: [
                                    {
                                        apiGroups: [""],
                                        apiVersions: ["v1"],
                                        resources: ["configmaps"],
                                        resourceNames: ["homelab-platform-admission-guard"],
                                        operations: ["*"],
                                    },
                                ],
                            },
                        },
                    ]),
                ),
            );
        });

        it("binds only after what it guards exists, so that destroy lifts the guard before removing it", () => {
            const quota = findObject(run, "ResourceQuota", "seldon-system-quota", "seldon-system");
            const limitRange = findObject(run, "LimitRange", "seldon-system-limits", "seldon-system");
            const generalPool = findObject(run, "IPAddressPool", "homelab-pool");
            const reservedPool = findObject(run, "IPAddressPool", "ingress-pool");
            const endpoints = findObject(run, "ConfigMap", "platform-endpoints", "seldon-system");
            const ingressChart = findResource(run, "kubernetes:helm.sh/v4:Chart", "ingress-chart");
            const parameters = findObject(run, "ConfigMap", "homelab-platform-admission-guard");
            for (const binding of resourcesOfType(run, bindingType)) {
                const policy = findObject(
                    run,
                    "ValidatingAdmissionPolicy",
                    (binding.inputs.spec as Editable).policyName,
                );
                for (const needed of [
                    parameters,
                    policy,
                    quota,
                    limitRange,
                    generalPool,
                    reservedPool,
                    endpoints,
                    ingressChart,
                ]) {
                    assert.ok(
                        binding.dependencies.includes(needed.urn),
                        `${binding.name} does not wait for ${needed.name}`,
                    );
                }
            }
        });

        it("puts its parameters in before every other component, so that an update is judged by the settings it applies", () => {
            const parameters = findObject(run, "ConfigMap", "homelab-platform-admission-guard");
            const components = run.resources.filter(
                (resource) =>
                    resource.parent === undefined && resource.type !== "homelab:platform:AdmissionGuard",
            );
            assert.strictEqual(components.length, 5);
            for (const component of components) {
                assert.ok(component.dependencies.includes(parameters.urn), component.name);
            }
            const guard = findResource(run, "homelab:platform:AdmissionGuard", "admission-guard");
            assert.deepStrictEqual(guard.dependencies, []);
        });
    });

    it("binds with the settings' validation actions: Warn, the way out", async () => {
        const run = await runProgram({
            overrides: { admissionGuard: { validationActions: ["Warn", "Audit"] } },
        });
        for (const binding of resourcesOfType(run, bindingType)) {
            assert.deepStrictEqual((binding.inputs.spec as Editable).validationActions, ["Warn", "Audit"]);
        }
    });

    it("binds a rule whose namespaces the settings leave empty to no namespace at all", async () => {
        const run = await runProgram({
            overrides: { argo: { ...(stackSettings().argo as object), workflowNamespaces: [] } },
        });
        const serviceDns = findObject(
            run,
            "ValidatingAdmissionPolicyBinding",
            "homelab-platform-service-dns",
        );
        assert.deepStrictEqual((serviceDns.inputs.spec as Editable).matchResources.namespaceSelector, {
            matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "DoesNotExist" }],
        });
    });

    describe("arguments", () => {
        before(async () => {
            await pulumi.runtime.setMocks({
                newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
                call: () => ({}),
            });
        });

        it("refuses validation actions the API server refuses in a binding", () => {
            const settings = validateSettings(stackSettings());
            assert.throws(
                () =>
                    new AdmissionGuard("guard", {
                        validationActions: ["Deny", "Warn"],
                        parameters: admissionGuardParametersOf(settings, planPools(settings.metallb)),
                        namespaces: { governed: [], workflow: [], metallb: "metallb-system" },
                        guarded: [],
                    }),
                {
                    message:
                        'AdmissionGuard guard: validationActions ["Deny","Warn"] lists Deny and Warn together, which the API server refuses: Deny to refuse, [Warn] or [Warn, Audit] to let requests through with a warning',
                },
            );
        });
    });
});
