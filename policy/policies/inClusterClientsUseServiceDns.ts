import { StackValidationPolicy } from "@pulumi/policy";
import { findAddressReferences, formatMentionAddress, withHost } from "../support/addressReferences";
import { describe } from "../support/kubernetes";
import { configSchemaOf, readPackConfig } from "../support/policyConfig";

const name = "in-cluster-clients-use-service-dns";
const configKeys = ["exemptNamespaces", "clusterDomain"] as const;

/**
 * in-cluster-clients-use-service-dns (mandatory, severity high)
 *
 * A client pointed at a Service's LoadBalancer IP (`MLFLOW_TRACKING_URI: http://192.168.1.203:5000`,
 * a common way around failing cluster DNS) sends its traffic out of the cluster through MetalLB, and
 * breaks when the address moves. An env var (workload pod templates, Argo workflow templates),
 * workflow parameter or ConfigMap value that points at an address a Service requests or holds, or
 * at any address of a MetalLB pool, must use the Service's cluster DNS name instead.
 */
export const inClusterClientsUseServiceDns: StackValidationPolicy = {
    name,
    description: "In-cluster clients must reach Services by cluster DNS name, not by LoadBalancer IP.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: configSchemaOf(...configKeys),
    validateStack: (args, reportViolation) => {
        const config = readPackConfig(name, [...configKeys], args.getConfig());
        const domain = config.clusterDomain;
        for (const reference of findAddressReferences(args.resources, config.exemptNamespaces, domain)) {
            const { text, mention, owner, pools } = reference;
            const subject = `${describe(text.owner)} ${text.where} uses "${mention.text}"`;
            const consequence =
                "in-cluster clients then leave the cluster through MetalLB, and break when the address changes.";
            if (owner) {
                const fix = owner.dnsName
                    ? `Use the Service's cluster DNS name: "${withHost(mention, owner.dnsName)}".`
                    : `Use the cluster DNS name of the Service behind it (<service>.<namespace>.svc.${domain}).`;
                reportViolation(
                    `${subject}, the LoadBalancer IP ${formatMentionAddress(mention)} of ${owner.description}: ${consequence} ${fix}`,
                    text.owner.resource.urn,
                );
            } else if (pools.length > 0) {
                reportViolation(
                    `${subject}, an address of ${pools[0].pool.description} (${pools[0].entry.text}), i.e. a LoadBalancer ` +
                        `IP: ${consequence} Use the cluster DNS name of the Service behind it ` +
                        `(<service>.<namespace>.svc.${domain}).`,
                    text.owner.resource.urn,
                );
            }
        }
    },
};
