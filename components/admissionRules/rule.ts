// What a rule is: a ValidatingAdmissionPolicy that reads the guard's parameters, the namespaces it
// judges in, and how a refusal reads.

import { literal, parameterRecords } from "./cel";
import { guardPrefix } from "./guard";

export interface ResourceRule {
    apiGroups: string[];
    apiVersions: string[];
    resources: string[];
    operations: string[];
}

/**
 * The namespaces a rule judges in, which its binding selects: the guard never judges what it has
 * no business with (kube-system's pods, another team's namespace), even while its parameters are
 * missing and every request it does judge is refused.
 */
export type RuleScope =
    | "every namespace"
    | "governed namespaces"
    | "workflow namespaces"
    | "MetalLB's namespace";

/** The namespaces behind each scope but the first, from the settings. */
export interface GuardNamespaces {
    /** The namespaces whose quota and LimitRange the stack keeps (`namespaces`). */
    governed: string[];
    /** The namespaces that run workflows (`argo.workflowNamespaces`). */
    workflow: string[];
    /** MetalLB's namespace, the only one whose pools MetalLB reads (`metallb.namespace`). */
    metallb: string;
}

/** The namespaces a scope stands for; undefined for every namespace. */
export function scopeNamespaces(scope: RuleScope, namespaces: GuardNamespaces): string[] | undefined {
    switch (scope) {
        case "every namespace":
            return undefined;
        case "governed namespaces":
            return namespaces.governed;
        case "workflow namespaces":
            return namespaces.workflow;
        case "MetalLB's namespace":
            return [namespaces.metallb];
    }
}

export interface AdmissionRule {
    /** What the rule guards, e.g. `governed-quotas`; the policy and its binding are `homelab-platform-<key>`. */
    key: string;
    /** Where it judges. */
    scope: RuleScope;
    /** The policy's and its binding's name. */
    name: string;
    /** What the docs and the tests call it. */
    summary: string;
    spec: {
        failurePolicy: "Fail";
        paramKind: { apiVersion: string; kind: string };
        matchConstraints: { resourceRules: ResourceRule[] };
        matchConditions?: { name: string; expression: string }[];
        variables: { name: string; expression: string }[];
        validations: { expression: string; messageExpression: string; message: string; reason: string }[];
    };
}

export type Variable = AdmissionRule["spec"]["variables"][number];
export type Validation = AdmissionRule["spec"]["validations"][number];

/** Matches these resources of one API group (any version), by default on CREATE and UPDATE. */
export function matching(
    apiGroup: string,
    resources: string[],
    operations = ["CREATE", "UPDATE"],
): ResourceRule {
    return { apiGroups: [apiGroup], apiVersions: ["*"], resources, operations };
}

const emergency =
    "If it must happen now, set admissionGuard.validationActions to [Warn] in the stack settings and run pulumi up.";

/**
 * A check: `expression` must hold, else the request is refused as Forbidden with the text of
 * `messageExpression` (CEL), which names the object, the value and the fix, and then the way out.
 */
export function refusal(expression: string, message: string, messageExpression: string): Validation {
    return {
        expression,
        reason: "Forbidden",
        message,
        messageExpression: `${messageExpression} + ${literal(` ${emergency}`)}`,
    };
}

/** A policy that reads the guard's parameters and refuses when one of its validations fails. */
export function admissionRule(
    key: string,
    scope: RuleScope,
    summary: string,
    resourceRules: ResourceRule[],
    body: {
        matchConditions?: { name: string; expression: string }[];
        variables: Variable[];
        validations: Validation[];
    },
): AdmissionRule {
    return {
        key,
        scope,
        name: `${guardPrefix}-${key}`,
        summary,
        spec: {
            failurePolicy: "Fail",
            paramKind: { apiVersion: "v1", kind: "ConfigMap" },
            matchConstraints: { resourceRules },
            ...body,
        },
    };
}

export const planVariables: Variable[] = [
    { name: "reserved", expression: parameterRecords("reservedAddresses") },
    { name: "autoAssign", expression: parameterRecords("autoAssignRanges") },
];
