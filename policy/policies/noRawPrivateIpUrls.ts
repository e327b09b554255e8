import { StackValidationPolicy } from "@pulumi/policy";
import { isPrivateAddress } from "../../lib/addresses/mentions";
import { findAddressReferences } from "../support/addressReferences";
import { describe } from "../support/kubernetes";
import { configSchemaOf, readPackConfig } from "../support/policyConfig";

const name = "no-raw-private-ip-urls";
const configKeys = ["exemptNamespaces", "clusterDomain"] as const;

/**
 * no-raw-private-ip-urls (advisory, severity low)
 *
 * Beyond LoadBalancer addresses (blocked by in-cluster-clients-use-service-dns), a URL or
 * `host:port` on any other private address (a ClusterIP, a pod IP, a LAN host) is the same kind of
 * workaround: it breaks when the address changes and hides the dependency from cluster DNS. Advisory,
 * since some LAN hosts have no DNS name.
 */
export const noRawPrivateIpUrls: StackValidationPolicy = {
    name,
    description:
        "Env vars, workflow parameters and ConfigMap values should reach private hosts by DNS name, not raw IP.",
    enforcementLevel: "advisory",
    severity: "low",
    configSchema: configSchemaOf(...configKeys),
    validateStack: (args, reportViolation) => {
        const config = readPackConfig(name, [...configKeys], args.getConfig());
        for (const { text, mention, owner, pools } of findAddressReferences(
            args.resources,
            config.exemptNamespaces,
            config.clusterDomain,
        )) {
            const urlLike = mention.form === "url" || mention.form === "host-port";
            if (!urlLike || owner || pools.length > 0 || !isPrivateAddress(mention.address)) {
                continue;
            }
            reportViolation(
                `${describe(text.owner)} ${text.where} uses "${mention.text}", a raw private address: it breaks when the ` +
                    "address changes and bypasses cluster DNS. Use a DNS name instead " +
                    `(<service>.<namespace>.svc.${config.clusterDomain} for a Service in the cluster).`,
                text.owner.resource.urn,
            );
        }
    },
};
