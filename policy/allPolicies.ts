// Every policy of the pack, grouped by what it keeps from going wrong.

import { Policies } from "@pulumi/policy";
import { argoExecutorResourcesSatisfyQuota } from "./policies/argoExecutorResourcesSatisfyQuota";
import { clusterCidrsAvoidLanAndPools } from "./policies/clusterCidrsAvoidLanAndPools";
import { communityIngressNginxIsRetired } from "./policies/communityIngressNginxIsRetired";
import { containerRequestsFitTheirLimits } from "./policies/containerRequestsFitTheirLimits";
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

/** MetalLB address conflicts: requested addresses left in auto-assign pools, and pools MetalLB reads otherwise. */
const addressPolicies: Policies = [
    metallbPoolAddressesAreValid,
    metallbPoolAddressesReadAsWritten,
    metallbPoolsDoNotOverlap,
    requestedLoadBalancerIpsAreReserved,
    requestedLoadBalancerIpsAreUnique,
    loadBalancerIpSetInOnePlace,
    pinnedPoolContainsRequestedIp,
    metallbPoolsAreAdvertised,
];

/** Quotas: namespaces without one, and containers (Argo's init and wait among them) that quota admission refuses. */
const quotaPolicies: Policies = [
    namespacesHaveResourceQuota,
    limitRangeDefaultsCoverQuota,
    argoExecutorResourcesSatisfyQuota,
    limitRangeValuesAreOrdered,
    containerRequestsFitTheirLimits,
];

/** Cluster DNS: LoadBalancer IPs used instead of service names, and what makes lookups fail. */
const dnsPolicies: Policies = [
    inClusterClientsUseServiceDns,
    noRawPrivateIpUrls,
    defaultDenyEgressAllowsDns,
    clusterCidrsAvoidLanAndPools,
];

/** Hygiene: deprecated and retired pieces. */
const hygienePolicies: Policies = [
    communityIngressNginxIsRetired,
    loadBalancerIpFieldIsDeprecated,
    metallbAnnotationsUseCurrentPrefix,
];

export const policies: Policies = [...addressPolicies, ...quotaPolicies, ...dnsPolicies, ...hygienePolicies];
