import { StackValidationPolicy } from "@pulumi/policy";
import { describeEntryProblem, quoteForPerson, readPoolEntry } from "../../lib/metallb/poolEntry";
import { groupBy } from "../support/grouping";
import { collectObjects, kinds, objectsOf } from "../support/kubernetes";
import {
    AddressPool,
    otherReadableEntries,
    PoolFinding,
    PoolFix,
    readPools,
    WrittenEntry,
} from "../support/metallb";
import { isUnknown, PlainValue } from "../support/plainValues";

const validForms =
    "a CIDR such as 192.168.1.240/28 or a start-end range such as 192.168.1.200-192.168.1.250 (both ends of one family)";

/** MetalLB's error is quoted when it is short enough to read. */
function webhookAnswer(error: string): string {
    return error.length <= 200 ? ` (${error})` : "";
}

function describeValue(value: PlainValue): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    if (typeof value === "object") {
        return "an object";
    }
    return `the ${typeof value} ${quoteForPerson(String(value))}`;
}

/** The fix for an entry MetalLB cannot read: its plain spelling when that is clear, else its removal if the pool keeps addresses. */
function entryFix(
    pool: AddressPool,
    index: number,
    suggestion: string | undefined,
): { text: string; fix?: PoolFix } {
    if (suggestion !== undefined) {
        return {
            text: `Write ${suggestion}.`,
            fix: { kind: "replace-entry", pool, index, entries: [suggestion] },
        };
    }
    const kept = otherReadableEntries(pool, index);
    if (kept.length > 0) {
        return {
            text: `Correct it, or remove it (the pool keeps ${kept.map((entry) => entry.text).join(", ")}).`,
            fix: { kind: "replace-entry", pool, index, entries: [] },
        };
    }
    return { text: `Write ${validForms}.` };
}

/** A list of strings MetalLB reads, written one level too deep (`- [10.0.0.0/24]`): its items are the fix. */
function flattenedSuggestion(value: PlainValue): string[] | undefined {
    if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
        return undefined;
    }
    const texts = value.filter((item): item is string => typeof item === "string");
    const readable = texts.every((text) => {
        const reading = readPoolEntry(text);
        return reading.accepted && reading.range && reading.differences.length === 0;
    });
    return texts.length === value.length && readable ? texts : undefined;
}

function entryFindings(pool: AddressPool, item: WrittenEntry): PoolFinding[] {
    const { index, value, reading } = item;
    const where = `${pool.description} spec.addresses[${index}]`;
    if (reading === undefined) {
        const items = flattenedSuggestion(value);
        const { text, fix } = items
            ? {
                  text: `Write its items as entries of spec.addresses: ${items.join(", ")}.`,
                  fix: { kind: "replace-entry" as const, pool, index, entries: items },
              }
            : entryFix(pool, index, undefined);
        return [
            {
                pool,
                message:
                    `${where} is ${describeValue(value)}, not a string: the IPAddressPool schema lists strings, so the ` +
                    `API server rejects the pool before MetalLB sees it. ${text}`,
                fix,
            },
        ];
    }
    if (reading.accepted) {
        return [];
    }
    const { text, fix } = entryFix(pool, index, reading.suggestion);
    return [
        {
            pool,
            message:
                `${where} ${quoteForPerson(value as string)} ${describeEntryProblem(reading)}. MetalLB's webhook rejects ` +
                `the pool${webhookAnswer(reading.metallbError)}, so the update fails there. ${text}`,
            fix,
        },
    ];
}

function absentListFinding(
    pool: AddressPool,
    absent: "missing" | "not-a-list",
    value?: PlainValue,
): PoolFinding {
    if (absent === "not-a-list" && typeof value === "string") {
        const reading = readPoolEntry(value);
        const entry = reading.accepted ? (reading.range ? value : undefined) : reading.suggestion;
        if (entry !== undefined) {
            return {
                pool,
                message:
                    `${pool.description} has spec.addresses ${quoteForPerson(value)}, a string rather than a list: the ` +
                    `IPAddressPool schema takes a list of strings, so the API server rejects the pool. Write ` +
                    `addresses: ["${entry}"].`,
                fix: { kind: "set-addresses", pool, addresses: [entry] },
            };
        }
    }
    const what =
        absent === "missing"
            ? "no spec.addresses"
            : `spec.addresses that is ${describeValue(value ?? null)}, not a list`;
    return {
        pool,
        message:
            `${pool.description} has ${what}: the IPAddressPool schema requires a list of addresses, so the API ` +
            `server rejects the pool. List its addresses (${validForms}), or delete the pool.`,
        fix: { kind: "delete-pool", pool },
    };
}

/** Pools that share a namespace and a name: each later one, against the first. */
function duplicateFindings(pools: AddressPool[]): PoolFinding[] {
    const findings: PoolFinding[] = [];
    const named = groupBy(pools, (pool) =>
        isUnknown(pool.object.name) || isUnknown(pool.namespace)
            ? undefined
            : `${pool.namespace}/${pool.name}`,
    );
    // The names taken in a namespace, gathered only for namespaces that have a duplicate.
    const takenByNamespace = new Map<string, Set<string>>();
    for (const [key, group] of named) {
        if (group.length < 2) {
            continue;
        }
        const namespace = group[0].namespace as string;
        let taken = takenByNamespace.get(namespace);
        if (!taken) {
            taken = new Set(pools.filter((pool) => pool.namespace === namespace).map((pool) => pool.name));
            takenByNamespace.set(namespace, taken);
        }
        let suffix = 2;
        for (const later of group.slice(1)) {
            while (taken.has(`${later.name}-${suffix}`)) {
                suffix++;
            }
            const name = `${later.name}-${suffix}`;
            taken.add(name);
            findings.push({
                pool: later,
                message:
                    `${later.description} has the same namespace and name (${key}) as ${group[0].description}: ` +
                    "Kubernetes keeps one object per name, so each update overwrites the other's addresses, and MetalLB " +
                    `refuses a second definition of a pool. Rename one of them (e.g. ${name}) or merge them into one pool.`,
                fix: { kind: "rename-pool", pool: later, name },
            });
        }
    }
    return findings;
}

/**
 * Every way the pools' `spec.addresses` fail before any address is assigned: entries MetalLB's
 * ParseCIDR rejects, items that are not strings, pools without addresses, and two pools with one name.
 */
export function findInvalidPoolAddresses(pools: AddressPool[]): PoolFinding[] {
    const findings: PoolFinding[] = [];
    for (const pool of pools) {
        const written = pool.written;
        if (isUnknown(written)) {
            continue;
        }
        if ("absent" in written) {
            findings.push(absentListFinding(pool, written.absent, written.value));
            continue;
        }
        if (written.items.length === 0) {
            findings.push({
                pool,
                message:
                    `${pool.description} has no addresses (spec.addresses is empty): MetalLB's webhook rejects a pool ` +
                    `without addresses ("pool has no prefixes defined"). List its addresses, or delete the pool.`,
                fix: { kind: "delete-pool", pool },
            });
            continue;
        }
        for (const item of written.items) {
            if (!isUnknown(item.value)) {
                findings.push(...entryFindings(pool, item));
            }
        }
    }
    return [...findings, ...duplicateFindings(pools)];
}

/**
 * metallb-pool-addresses-are-valid (mandatory, severity high)
 *
 * MetalLB's webhook rejects a pool with an entry its ParseCIDR cannot read (whitespace around a
 * CIDR, a single address, leading zeros in an octet, a reversed range, a zone), a pool without
 * addresses, and a second pool of the same name; the API server rejects entries that are not
 * strings. Each stops `pulumi up` halfway, at that pool. Reads entries exactly as MetalLB 0.15.2
 * does (lib/metallb/poolEntry.ts), and suggests a spelling MetalLB reads when the intent is clear.
 */
export const metallbPoolAddressesAreValid: StackValidationPolicy = {
    name: "metallb-pool-addresses-are-valid",
    description:
        "Every MetalLB IPAddressPool lists addresses MetalLB's webhook accepts, under a unique name.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const pools = readPools(
            objectsOf(collectObjects(args.resources, [kinds.ipAddressPool]), kinds.ipAddressPool),
        );
        for (const finding of findInvalidPoolAddresses(pools)) {
            reportViolation(finding.message, finding.pool.object.resource.urn);
        }
    },
};
