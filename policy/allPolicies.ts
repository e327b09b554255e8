// Every policy of the pack, grouped by the debt it keeps from coming back.

import { Policies } from "@pulumi/policy";
import { argoExecutorResourcesSatisfyQuota } from "./policies/argoExecutorResourcesSatisfyQuota";
import { clusterCidrsAvoidLanAndPools } from "./policies/clusterCidrsAvoidLanAndPools";
import { communityIngressNginxIsRetired } from "./policies/communityIngressNginxIsRetired";
import { defaultDenyEgressAllowsDns } from "./policies/defaultDenyEgressAllowsDns";
import { inClusterClientsUseServiceDns } from "./policies/inClusterClientsUseServiceDns";
import { limitRangeDefaultsCoverQuota } from "./policies/limitRangeDefaultsCoverQuota";
import { limitRangeValuesAreOrdered } from "./policies/limitRangeValuesAreOrdered";
import { loadBalancerIpFieldIsDeprecated } from "./policies/loadBalancerIpFieldIsDeprecated";
import { loadBalancerIpSetInOnePlace } from "./policies/loadBalancerIpSetInOnePlace";
import { metallbAnnotationsUseCurrentPrefix } from "./policies/metallbAnnotationsUseCurrentPrefix";
import { metallbPoolAddressesAreValid } from "./policies/metallbPoolAddressesAreValid";
import { metallbPoolAddressesReadAsWritten } from "./policies/metallbPoolAddressesReadAsWritten";
import { metallbPoolsAreAdvertised } from "./policies/metallbPoolsAreAdvertised";
import { metallbPoolsDoNotOverlap } from "./policies/metallbPoolsDoNotOverlap";
import { namespacesHaveResourceQuota } from "./policies/namespacesHaveResourceQuota";
import { noRawPrivateIpUrls } from "./policies/noRawPrivateIpUrls";
import { pinnedPoolContainsRequestedIp } from "./policies/pinnedPoolContainsRequestedIp";
import { requestedLoadBalancerIpsAreReserved } from "./policies/requestedLoadBalancerIpsAreReserved";
import { requestedLoadBalancerIpsAreUnique } from "./policies/requestedLoadBalancerIpsAreUnique";

/** MetalLB address conflicts: the ingress IP left inside the auto-assign pool, and pools MetalLB reads otherwise. */
export const addressPolicies: Policies = [
    metallbPoolAddressesAreValid,
    metallbPoolAddressesReadAsWritten,
    metallbPoolsDoNotOverlap,
    requestedLoadBalancerIpsAreReserved,
    requestedLoadBalancerIpsAreUnique,
    loadBalancerIpSetInOnePlace,
    pinnedPoolContainsRequestedIp,
    metallbPoolsAreAdvertised,
];

/** Quota regressions: the deleted seldon-system-quota and Argo's undeclared init/wait resources. */
export const quotaPolicies: Policies = [
    namespacesHaveResourceQuota,
    limitRangeDefaultsCoverQuota,
    argoExecutorResourcesSatisfyQuota,
    limitRangeValuesAreOrdered,
];

/** DNS workaround regressions: LoadBalancer IPs instead of cluster DNS names. */
export const dnsPolicies: Policies = [
    inClusterClientsUseServiceDns,
    noRawPrivateIpUrls,
    defaultDenyEgressAllowsDns,
    clusterCidrsAvoidLanAndPools,
];

/** Hygiene: deprecated and retired pieces that keep the debts around. */
export const hygienePolicies: Policies = [
    communityIngressNginxIsRetired,
    loadBalancerIpFieldIsDeprecated,
    metallbAnnotationsUseCurrentPrefix,
];

export const policies: Policies = [...addressPolicies, ...quotaPolicies, ...dnsPolicies, ...hygienePolicies];
