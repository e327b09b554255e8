// The guard's parameters: what the rules read of the platform, and the ConfigMap that holds them.

import { formatIp, parseIp } from "../../lib/addresses/ip";
import { formatAddressRange } from "../../lib/addresses/ranges";
import { readPoolEntry } from "../../lib/metallb/poolEntry";

/** What the guard knows of the platform: the address plan, the governed objects, the workflow namespaces. */
export interface AdmissionGuardParameters {
    /** Each reserved address and the pool that holds it, e.g. 192.168.1.249 in `ingress-pool`. */
    reservedAddresses: { address: string; pool: string }[];
    /**
     * The Service each reserved pool is for, where the stack knows it: its namespace and labels
     * (as the pool's MetalLB `serviceAllocation` names it). Another Service may not pin the pool.
     */
    reservationOwners: { pool: string; namespace: string; labels: Record<string, string> }[];
    /** The pools that hand out addresses on their own, with their entries (CIDR or `first-last`). */
    autoAssignPools: { pool: string; addresses: string[] }[];
    /** The quotas and LimitRanges the stack keeps, and the setting each comes from (for messages). */
    governedObjects: {
        kind: "ResourceQuota" | "LimitRange";
        namespace: string;
        name: string;
        setting: string;
    }[];
    /** Namespaces whose workloads, workflows and ConfigMaps must reach Services by DNS name. */
    workflowNamespaces: string[];
    /** The cluster-DNS addresses the platform publishes, by variable (suggested in messages). */
    serviceEndpoints: { variable: string; url: string }[];
    clusterDomain: string;
}

/**
 * The parameters as the ConfigMap holds them: one record per line, fields separated by spaces (a
 * ConfigMap holds only strings, and CEL can split them):
 *
 * - `reservedAddresses`: `<address> <pool>`, each address as the API server's `ip()` prints it;
 * - `reservationOwners`: `<pool> <namespace> <key>=<value>,...`, the Service a reserved pool is for;
 * - `autoAssignRanges`: `<pool> <cidr> <entry>`, the CIDR blocks that cover each auto-assign pool
 *   entry (CEL's `cidr()` tests membership for IPv4 and IPv6 alike) and the entry as the pool writes it;
 * - `governedObjects`: `<kind> <namespace> <name> <setting>`;
 * - `workflowNamespaces`: one per line;
 * - `serviceEndpoints`: `<variable> <url>`;
 * - `addressPrefixes`: the text IPv4 addresses of the pools start with, a cheap first test;
 * - `clusterDomain`.
 */
export function admissionGuardParameterData(parameters: AdmissionGuardParameters): Record<string, string> {
    const lines = (records: string[][]): string => records.map((fields) => `${fields.join(" ")}\n`).join("");
    const autoAssign = parameters.autoAssignPools.flatMap(({ pool, addresses }) =>
        addresses.flatMap((entry) => {
            const reading = readPoolEntry(entry);
            if (!reading.accepted) {
                throw new Error(`pool ${pool}: entry "${entry}" is not an address range MetalLB reads`);
            }
            return reading.blocks.map((block) => [pool, formatAddressRange(block), entry]);
        }),
    );
    const canonical = (address: string): string => {
        const parsed = parseIp(address);
        if (!parsed) {
            throw new Error(`reserved address "${address}" is not an IP address`);
        }
        return formatIp(parsed.family, parsed.value);
    };
    const reserved = parameters.reservedAddresses.map(({ address, pool }) => [canonical(address), pool]);
    const blocks = [...reserved.map(([address]) => address), ...autoAssign.map(([, cidr]) => cidr)];
    return {
        reservedAddresses: lines(reserved),
        reservationOwners: lines(
            parameters.reservationOwners.map(({ pool, namespace, labels }) => [
                pool,
                namespace,
                Object.entries(labels)
                    .map(([key, value]) => `${key}=${value}`)
                    .join(","),
            ]),
        ),
        autoAssignRanges: lines(autoAssign),
        governedObjects: lines(
            parameters.governedObjects.map(({ kind, namespace, name, setting }) => [
                kind,
                namespace,
                name,
                setting,
            ]),
        ),
        workflowNamespaces: lines(parameters.workflowNamespaces.map((namespace) => [namespace])),
        serviceEndpoints: lines(parameters.serviceEndpoints.map(({ variable, url }) => [variable, url])),
        addressPrefixes: lines(
            [...new Set(blocks.map(ipv4TextPrefix).filter((prefix) => prefix !== undefined))].map(
                (prefix) => [prefix],
            ),
        ),
        clusterDomain: parameters.clusterDomain,
    };
}

/**
 * How much text the guard searches. Searching costs CEL budget in proportion to the text's length,
 * and a request whose rules run out of budget is refused: a large ConfigMap must not be refused
 * for that alone. ConfigMap entries larger than `entryBytes`, and all of a ConfigMap's entries once
 * together they pass `configMapBytes`, are left to the policy pack and `npm run audit`, which read
 * them whole; so are env values and parameters larger than `valueBytes` (no address is written so).
 */
export const scanLimits = { valueBytes: 4096, entryBytes: 16 * 1024, configMapBytes: 64 * 1024 };

/**
 * The text every IPv4 address of a block starts with, in whole octets: `192.168.1.` for
 * 192.168.1.200/29, `10.` for 10.0.0.0/8, the address itself for a single one. The guard looks
 * closer only at tokens that start with one of these (IPv6 blocks have none: their text varies).
 */
function ipv4TextPrefix(block: string): string | undefined {
    const [address, length = "32"] = block.split("/");
    if (parseIp(address)?.family !== 4) {
        return undefined;
    }
    const octets = address.split(".");
    const whole = Math.floor(Number(length) / 8);
    return whole === 4
        ? address
        : octets
              .slice(0, whole)
              .map((octet) => `${octet}.`)
              .join("");
}
