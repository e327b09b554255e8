// The admission guard as data: the ValidatingAdmissionPolicies (CEL) that make the API server refuse
// what brought the debts in (a hand-typed `kubectl delete`, a `helm install --set
// ...loadBalancerIP=`, an env var with a LoadBalancer IP), and the parameters they read. No Pulumi
// import: components/admissionGuard.ts declares these objects, and the unit tests read them as
// they are.
//
// The rules read everything site-specific from one ConfigMap (the parameters), so the policies
// themselves never change with the settings. CEL has no functions of its own making: the helpers
// below build expression text, and each policy is a few variables and one or two validations.
// Requires Kubernetes 1.31 or newer: the IP and CIDR functions entered CEL's environment in 1.30,
// and the API server compiles a new policy against the previous minor's environment.

import { AdmissionRule } from "./rule";
import { governedQuotas } from "./rules/governedQuotas";
import { loadBalancerAddresses } from "./rules/loadBalancerAddresses";
import { reservedPools } from "./rules/reservedPools";
import { serviceDns } from "./rules/serviceDns";

export * from "./guard";
export { AdmissionGuardParameters, admissionGuardParameterData, scanLimits } from "./parameters";
export { tokenLimit } from "./cel";
export { AdmissionRule, GuardNamespaces, ResourceRule, RuleScope, scopeNamespaces } from "./rule";

/** Every rule, each one ValidatingAdmissionPolicy with a binding of the same name. */
export const admissionRules: AdmissionRule[] = [
    loadBalancerAddresses,
    governedQuotas,
    serviceDns,
    reservedPools,
];
