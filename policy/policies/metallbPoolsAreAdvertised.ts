import { StackValidationPolicy } from "@pulumi/policy";
import {
    collectObjects,
    kinds,
    LabelSelector,
    objectsOf,
    selectorMatches,
    selectsEverything,
} from "../support/kubernetes";
import { AddressPool, Advertisement, formatRanges, readAdvertisements, readPools } from "../support/metallb";
import { groupBy } from "../support/grouping";
import { isUnknown } from "../support/plainValues";

interface NamespaceAdvertising {
    /** Pool names some advertisement lists. */
    names: Set<string>;
    selectors: LabelSelector[];
    /** An advertisement with neither pool names nor selectors announces every pool. */
    coversAll: boolean;
    /** Some advertisement's pool names or selectors are unknown during preview. */
    unknown: boolean;
}

function advertisingByNamespace(
    advertisements: Advertisement[],
): Map<string, NamespaceAdvertising> | undefined {
    const byNamespace = new Map<string, NamespaceAdvertising>();
    for (const advertisement of advertisements) {
        if (isUnknown(advertisement.namespace)) {
            return undefined;
        }
        let entry = byNamespace.get(advertisement.namespace);
        if (!entry) {
            entry = { names: new Set(), selectors: [], coversAll: false, unknown: false };
            byNamespace.set(advertisement.namespace, entry);
        }
        const { poolNames, poolSelectors } = advertisement;
        if (isUnknown(poolNames) || isUnknown(poolSelectors)) {
            entry.unknown = true;
            continue;
        }
        if (poolNames.length === 0 && poolSelectors.length === 0) {
            entry.coversAll = true;
        }
        poolNames.forEach((name) => entry.names.add(name));
        for (const selector of poolSelectors) {
            if (selectsEverything(selector)) {
                entry.coversAll = true;
            } else {
                entry.selectors.push(selector);
            }
        }
    }
    return byNamespace;
}

/**
 * Pools each selector matches, through an index of pool labels: a selector with a matchLabels pair,
 * an `In` or an `Exists` expression only looks at the pools carrying that label.
 */
function poolsSelected(pools: AddressPool[], selectors: LabelSelector[]): Set<AddressPool> {
    const selected = new Set<AddressPool>();
    if (selectors.length === 0) {
        return selected;
    }
    const labelled = pools.flatMap((pool) =>
        isUnknown(pool.object.labels) ? [] : Object.keys(pool.object.labels).map((key) => ({ key, pool })),
    );
    const byLabelKey = groupBy(labelled, (entry) => entry.key);
    for (const selector of selectors) {
        const indexedKey =
            Object.keys(selector.matchLabels ?? {})[0] ??
            selector.matchExpressions?.find(
                (expression) => expression.operator === "In" || expression.operator === "Exists",
            )?.key;
        const candidates =
            indexedKey === undefined ? pools : (byLabelKey.get(indexedKey) ?? []).map((entry) => entry.pool);
        for (const pool of candidates) {
            if (
                !selected.has(pool) &&
                !isUnknown(pool.object.labels) &&
                selectorMatches(selector, pool.object.labels)
            ) {
                selected.add(pool);
            }
        }
    }
    return selected;
}

/**
 * metallb-pools-are-advertised (mandatory, severity high)
 *
 * MetalLB assigns addresses from a pool that no L2Advertisement (or BGPAdvertisement) in its
 * namespace covers, but never announces them: the Service gets an IP nobody on the LAN can reach.
 * An advertisement covers the pools it names in `ipAddressPools`, the pools its
 * `ipAddressPoolSelectors` match, or every pool when it has neither.
 */
export const metallbPoolsAreAdvertised: StackValidationPolicy = {
    name: "metallb-pools-are-advertised",
    description: "Every MetalLB IPAddressPool must be covered by an L2Advertisement or BGPAdvertisement.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const byKind = collectObjects(args.resources, [
            kinds.ipAddressPool,
            kinds.l2Advertisement,
            kinds.bgpAdvertisement,
        ]);
        const pools = readPools(objectsOf(byKind, kinds.ipAddressPool));
        const advertising = advertisingByNamespace(
            readAdvertisements(objectsOf(byKind, kinds.l2Advertisement, kinds.bgpAdvertisement)),
        );
        if (!advertising) {
            return;
        }
        const poolsByNamespace = groupBy(pools, (pool) =>
            isUnknown(pool.namespace) ? undefined : pool.namespace,
        );
        for (const [namespace, namespacePools] of poolsByNamespace) {
            const coverage = advertising.get(namespace);
            if (coverage?.coversAll || coverage?.unknown) {
                continue;
            }
            const selected = poolsSelected(namespacePools, coverage?.selectors ?? []);
            const selectorsPending = (coverage?.selectors.length ?? 0) > 0;
            for (const pool of namespacePools) {
                if (isUnknown(pool.object.name) || coverage?.names.has(pool.name) || selected.has(pool)) {
                    continue;
                }
                if (selectorsPending && isUnknown(pool.object.labels)) {
                    continue;
                }
                // A pool with no readable entry is named for that by metallb-pool-addresses-are-valid.
                const addresses =
                    isUnknown(pool.entries) || pool.entries.length === 0
                        ? ""
                        : ` (${formatRanges(pool.entries.map((entry) => entry.range))})`;
                reportViolation(
                    `${pool.description} is not covered by any L2Advertisement or BGPAdvertisement in ${namespace}: ` +
                        `MetalLB assigns its addresses${addresses} but never announces them, so they are unreachable from ` +
                        `the LAN. Add ${pool.name} to an L2Advertisement's spec.ipAddressPools in ${namespace}.`,
                    pool.object.resource.urn,
                );
            }
        }
    },
};
