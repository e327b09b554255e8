// The admission guard: ValidatingAdmissionPolicies and their bindings, and the parameters they read,
// so that the API server itself refuses what brought the three debts in (a hand-typed `kubectl
// delete`, a `helm install --set ...loadBalancerIP=`, an env var pointing at a LoadBalancer IP).

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    AdmissionGuardParameters,
    admissionGuardParameterData,
    AdmissionGuardSettings,
    admissionRules,
    GuardNamespaces,
    guardLabel,
    guardParameters,
    scopeNamespaces,
    validationActions,
    validationActionsProblem,
} from "./admissionRules";

export interface AdmissionGuardArgs extends AdmissionGuardSettings {
    /**
     * What the rules judge by: reserved addresses and their pools, the auto-assign pools, the
     * governed quotas and LimitRanges, the workflow namespaces, the published endpoints.
     */
    parameters: AdmissionGuardParameters;
    /** The namespaces each rule's binding selects (`RuleScope`). */
    namespaces: GuardNamespaces;
    /**
     * What the bindings wait for: every resource the guard judges that this stack declares (pools,
     * Services, quotas, LimitRanges, ConfigMaps). They are created after those, and `pulumi destroy`
     * removes the bindings before any of them. May be a promise: the guard is declared before
     * them, since everything else waits for its parameters (see index.ts).
     */
    guarded: pulumi.Resource[] | Promise<pulumi.Resource[]>;
}

/** Every request on the parameters ConfigMap, which no binding judges. */
const parametersResourceRule = {
    apiGroups: [""],
    apiVersions: ["v1"],
    resources: ["configmaps"],
    resourceNames: [guardParameters.name],
    operations: ["*"],
};

/** The label the API server sets on every namespace, holding its name. */
const namespaceNameLabel = "kubernetes.io/metadata.name";

/** Selects the namespaces named, or none at all for an empty list (`In` needs a value). */
function namespacesNamed(names: string[] | undefined) {
    if (names === undefined) {
        return {};
    }
    return names.length > 0
        ? {
              namespaceSelector: {
                  matchExpressions: [{ key: namespaceNameLabel, operator: "In", values: names }],
              },
          }
        : {
              namespaceSelector: {
                  matchExpressions: [{ key: namespaceNameLabel, operator: "DoesNotExist" }],
              },
          };
}

/**
 * The parameters are a ConfigMap of their own, created before anything else (index.ts makes the
 * other components wait for it), so that each update is judged by the settings it applies: a
 * reservation added or removed reaches the guard before the pools and Services that follow it.
 * The policies never change with the settings; the bindings come last.
 */
export class AdmissionGuard extends pulumi.ComponentResource {
    /** The ConfigMap the policies read (`kube-system/homelab-platform-admission-guard`). */
    readonly parameters: k8s.core.v1.ConfigMap;
    readonly policies: k8s.admissionregistration.v1.ValidatingAdmissionPolicy[];
    readonly bindings: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding[];

    constructor(name: string, args: AdmissionGuardArgs, opts?: pulumi.ComponentResourceOptions) {
        // `guarded` stays out of the recorded inputs: the component itself must not wait for what
        // waits for its parameters.
        super(
            "homelab:platform:AdmissionGuard",
            name,
            {
                validationActions: args.validationActions,
                parameters: args.parameters,
                namespaces: args.namespaces,
            },
            opts,
        );
        const actions = args.validationActions;
        const unknown = actions.filter((action) => !validationActions.includes(action));
        const problem =
            unknown.length > 0
                ? `has ${unknown.join(", ")}: each must be one of ${validationActions.join(", ")}`
                : validationActionsProblem(actions);
        if (problem) {
            throw new Error(
                `AdmissionGuard ${name}: validationActions ${JSON.stringify(actions)} ${problem}`,
            );
        }

        this.parameters = new k8s.core.v1.ConfigMap(
            `${name}-parameters`,
            {
                metadata: { ...guardParameters, labels: guardLabel },
                data: admissionGuardParameterData(args.parameters),
            },
            { parent: this },
        );

        this.policies = admissionRules.map(
            (rule) =>
                new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
                    `${name}-${rule.key}`,
                    { metadata: { name: rule.name, labels: guardLabel }, spec: rule.spec },
                    { parent: this },
                ),
        );

        const guarded = Promise.resolve(args.guarded);
        this.bindings = admissionRules.map((rule, index) => {
            const waitsFor: Promise<pulumi.Resource[]> = guarded.then((resources) => [
                this.parameters,
                this.policies[index],
                ...resources,
            ]);
            return new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
                `${name}-${rule.key}-binding`,
                {
                    metadata: { name: rule.name, labels: guardLabel },
                    spec: {
                        policyName: rule.name,
                        validationActions: actions,
                        // Without its parameters a rule cannot judge: it refuses, rather than
                        // letting everything through unseen...
                        paramRef: { ...guardParameters, parameterNotFoundAction: "Deny" },
                        // ...except the parameters themselves, so that they can always be put
                        // back (`pulumi up`), whatever happened to them.
                        matchResources: {
                            ...namespacesNamed(scopeNamespaces(rule.scope, args.namespaces)),
                            excludeResourceRules: [parametersResourceRule],
                        },
                    },
                },
                { parent: this, dependsOn: waitsFor },
            );
        });

        this.registerOutputs({
            parameters: this.parameters,
            policies: this.policies,
            bindings: this.bindings,
        });
    }
}
