// The fixes the address policies suggest, applied: over generated pool layouts full of the mistakes
// the pack reports (overlaps, host bits, IPv4-mapped forms, whitespace, single addresses, reversed
// ranges, entries that are not strings, empty pools, names used twice), each violation's fix is
// applied and the policies run again, until none is left. Every fix must leave the layout strictly
// better (see defects), never leave a pool empty, and the final layout must pass the pack's address
// policies and MetalLB's own rules (metallbPoolsError, checked against MetalLB in metallbParity.test.ts).

import * as assert from "assert";
import { collectObjects, kinds, objectsOf } from "../../policy/support/kubernetes";
import { AddressPool, PoolFinding, PoolFix, readPools } from "../../policy/support/metallb";
import { isUnknown } from "../../policy/support/plainValues";
import {
    findInvalidPoolAddresses,
    metallbPoolAddressesAreValid,
} from "../../policy/policies/metallbPoolAddressesAreValid";
import {
    findPoolAddressesReadDifferently,
    metallbPoolAddressesReadAsWritten,
} from "../../policy/policies/metallbPoolAddressesReadAsWritten";
import { findPoolOverlaps, metallbPoolsDoNotOverlap } from "../../policy/policies/metallbPoolsDoNotOverlap";
import { metallbPoolsError } from "../harness/metallbWebhook";
import { rangeIntersection, rangeSize } from "../../lib/addresses/ranges";
import { ResourceSpec, stackResources, stackViolations } from "../harness/policy/harness";
import { addressPool } from "../harness/policy/resources";
import { SeededRandom } from "../harness/policy/seededRandom";

interface PoolModel {
    pulumiName: string;
    name: string;
    /** A list of entries, or (for the mistakes) a bare string or nothing at all. */
    addresses: unknown[] | string | undefined;
    autoAssign?: boolean;
}

function specsOf(layout: PoolModel[]): ResourceSpec[] {
    return layout.map((pool) =>
        addressPool(pool.name, pool.addresses, {
            pulumiName: pool.pulumiName,
            ...(pool.autoAssign === undefined ? {} : { autoAssign: pool.autoAssign }),
        }),
    );
}

function poolsOf(layout: PoolModel[]): AddressPool[] {
    const resources = stackResources(specsOf(layout));
    return readPools(objectsOf(collectObjects(resources, [kinds.ipAddressPool]), kinds.ipAddressPool));
}

function findings(layout: PoolModel[]): PoolFinding[] {
    const pools = poolsOf(layout);
    return [
        ...findInvalidPoolAddresses(pools),
        ...findPoolAddressesReadDifferently(pools),
        ...findPoolOverlaps(pools),
    ];
}

/**
 * What is wrong with a layout, most serious first: what MetalLB or the API server rejects, what
 * MetalLB reads otherwise than written, and how many addresses are held twice (pairwise). A fix
 * must make this strictly smaller: it takes its violation away without causing a worse one.
 */
function defects(layout: PoolModel[]): [number, number, bigint] {
    const pools = poolsOf(layout);
    const entries = pools.flatMap((pool) => (isUnknown(pool.entries) ? [] : pool.entries));
    let held = 0n;
    for (const [position, entry] of entries.entries()) {
        for (const other of entries.slice(position + 1)) {
            const shared = rangeIntersection(entry.range, other.range);
            held += shared ? rangeSize(shared) : 0n;
        }
    }
    return [findInvalidPoolAddresses(pools).length, findPoolAddressesReadDifferently(pools).length, held];
}

function isSmaller(after: [number, number, bigint], before: [number, number, bigint]): boolean {
    for (const [index, value] of after.entries()) {
        if (value !== before[index]) {
            return value < before[index];
        }
    }
    return false;
}

function applyFix(layout: PoolModel[], fix: PoolFix): PoolModel[] {
    const target = layout.find((pool) => pool.pulumiName === fix.pool.object.resource.name);
    assert.ok(target, `the fix names a pool that is not in the layout: ${fix.pool.description}`);
    switch (fix.kind) {
        case "replace-entry": {
            assert.ok(Array.isArray(target.addresses));
            target.addresses.splice(fix.index, 1, ...fix.entries);
            assert.ok(target.addresses.length > 0, `the fix empties ${fix.pool.description}`);
            return layout;
        }
        case "set-addresses":
            target.addresses = [...fix.addresses];
            return layout;
        case "delete-pool":
            return layout.filter((pool) => pool !== target);
        case "rename-pool":
            target.name = fix.name;
            return layout;
        case "stop-auto-assign":
            target.autoAssign = false;
            return layout;
    }
}

/** Entries over 10.0.0.0/27, so that pools overlap often, in every spelling the policies judge. */
function entry(random: SeededRandom): string {
    const address = (offset: number) => `10.0.0.${offset}`;
    const low = random.below(32);
    const high = random.between(low, 31);
    const prefix = random.between(27, 32);
    const aligned = low - (low % 2 ** (32 - prefix));
    switch (random.below(14)) {
        case 0:
            return `${address(aligned)}/${prefix}`;
        case 1:
            return `${address(low)}/${random.between(27, 31)}`;
        case 2:
            return `${address(low)}-${address(high)}`;
        case 3:
            return `${address(low)} - ${address(high)}`;
        case 4:
            return high > low ? `${address(high)}-${address(low)}` : `${address(low)}/32`;
        case 5:
            return `${address(low)}-${address(low)}`;
        case 6:
            return random.chance(0.5) ? ` ${address(aligned)}/${prefix}` : `${address(aligned)}/${prefix}\n`;
        case 7:
            return address(low);
        case 8:
            return `::ffff:${address(low)}/${random.between(123, 128)}`;
        case 9:
            return `::ffff:${address(low)}-::ffff:${address(high)}`;
        case 10:
            return `10.0.00.${low}/32`;
        case 11:
            return `${address(low)}\u2013${address(high)}`;
        case 12:
            return `fd00::${low.toString(16)}/${random.between(124, 128)}`;
        default:
            return `${address(low)}/${prefix}`;
    }
}

/** Items that only a pool with other addresses can drop; generated next to a readable entry. */
function companionMistake(random: SeededRandom): unknown {
    return random.pick<unknown>(["ten", 42, null, "10.0.0.1-fd00::1", "10.0.0.0/33", ["10.0.1.0/24"]]);
}

function generateLayout(random: SeededRandom, index: number): PoolModel[] {
    const names = ["general", "ingress", "reserved", "extra"];
    return Array.from({ length: random.between(1, 5) }, (_, position) => {
        const pool: PoolModel = {
            pulumiName: `layout-${index}-pool-${position}`,
            name: random.pick(names),
            addresses: Array.from({ length: random.between(1, 3) }, () => entry(random)),
        };
        if (random.chance(0.3)) {
            pool.autoAssign = random.chance(0.5);
        }
        const shape = random.below(40);
        if (shape === 0) {
            pool.addresses = [];
        } else if (shape === 1) {
            pool.addresses = undefined;
        } else if (shape === 2) {
            pool.addresses = `10.0.1.${random.below(256)}/32`;
        } else if (shape < 8) {
            (pool.addresses as unknown[]).push(`10.0.2.${random.below(256)}/32`, companionMistake(random));
        }
        return pool;
    });
}

describe("suggested pool fixes, applied to generated layouts", function () {
    this.timeout(60_000);
    const layouts = 300;

    it(`leave valid MetalLB configurations behind, one violation at a time (${layouts} layouts, seed 9)`, async () => {
        const random = new SeededRandom(9);
        let fixesApplied = 0;
        for (let index = 0; index < layouts; index++) {
            let layout = generateLayout(random, index);
            const start = JSON.stringify(layout);
            for (let step = 0; ; step++) {
                const found = findings(layout);
                if (found.length === 0) {
                    break;
                }
                assert.ok(step < 60, `layout ${index} does not converge: ${start}`);
                const [first] = found;
                assert.ok(first.fix, `no fix for: ${first.message} (layout ${index}: ${start})`);
                const before = defects(layout);
                layout = applyFix(layout, first.fix);
                fixesApplied++;
                const after = defects(layout);
                assert.ok(
                    isSmaller(after, before),
                    `the fix for "${first.message}" did not reduce [${before}] (now [${after}]); layout ${index}: ${start}`,
                );
            }
            const specs = specsOf(layout);
            for (const policy of [
                metallbPoolAddressesAreValid,
                metallbPoolAddressesReadAsWritten,
                metallbPoolsDoNotOverlap,
            ]) {
                assert.deepStrictEqual(await stackViolations(policy, specs), [], `layout ${index}: ${start}`);
            }
            const asMetallbSeesThem = layout.map((pool) => ({
                name: pool.name,
                addresses: pool.addresses as string[],
            }));
            assert.strictEqual(metallbPoolsError(asMetallbSeesThem), undefined, `layout ${index}: ${start}`);
        }
        assert.ok(fixesApplied > layouts, `only ${fixesApplied} fixes were applied`);
    });
});
