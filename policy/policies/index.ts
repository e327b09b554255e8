// Every policy of the pack, grouped by the debt it keeps from coming back.

import { Policies } from "@pulumi/policy";
import { argoExecutorResourcesSatisfyQuota } from "./argoExecutorResourcesSatisfyQuota";
import { clusterCidrsAvoidLanAndPools } from "./clusterCidrsAvoidLanAndPools";
import { communityIngressNginxIsRetired } from "./communityIngressNginxIsRetired";
import { defaultDenyEgressAllowsDns } from "./defaultDenyEgressAllowsDns";
import { inClusterClientsUseServiceDns } from "./inClusterClientsUseServiceDns";
import { limitRangeDefaultsCoverQuota } from "./limitRangeDefaultsCoverQuota";
import { limitRangeValuesAreOrdered } from "./limitRangeValuesAreOrdered";
import { loadBalancerIpFieldIsDeprecated } from "./loadBalancerIpFieldIsDeprecated";
import { loadBalancerIpSetInOnePlace } from "./loadBalancerIpSetInOnePlace";
import { metallbAnnotationsUseCurrentPrefix } from "./metallbAnnotationsUseCurrentPrefix";
import { metallbPoolAddressesAreValid } from "./metallbPoolAddressesAreValid";
import { metallbPoolAddressesReadAsWritten } from "./metallbPoolAddressesReadAsWritten";
import { metallbPoolsAreAdvertised } from "./metallbPoolsAreAdvertised";
import { metallbPoolsDoNotOverlap } from "./metallbPoolsDoNotOverlap";
import { namespacesHaveResourceQuota } from "./namespacesHaveResourceQuota";
import { noRawPrivateIpUrls } from "./noRawPrivateIpUrls";
import { pinnedPoolContainsRequestedIp } from "./pinnedPoolContainsRequestedIp";
import { requestedLoadBalancerIpsAreReserved } from "./requestedLoadBalancerIpsAreReserved";
import { requestedLoadBalancerIpsAreUnique } from "./requestedLoadBalancerIpsAreUnique";

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
