// MetalLB's webhook verdict on a whole list of pools, for tests: poolsFor and addressPoolFromCR of
// go.universe.tf/metallb@v0.15.2 internal/config/config.go, built on the pool-entry reader the
// stack and the pack share (lib/metallb/poolEntry.ts). The pack never needs it: its policies index
// entries instead of comparing all pairs. test/policy/metallbParity.test.ts holds it to MetalLB's
// own verdicts.

import { formatAddressRange } from "../../lib/addresses/ranges";
import { goQuote, MetallbBlock, metallbBlocksOverlap, readPoolEntry } from "../../lib/metallb/poolEntry";

/** How net.IPNet's String() prints a block (an IPv4-mapped one as IPv4). */
export function formatBlock(block: MetallbBlock): string {
    return formatAddressRange(block);
}

export interface MetallbPoolDefinition {
    name: string;
    addresses: readonly string[];
}

/**
 * The error MetalLB's webhook answers for this list of pools (poolsFor and addressPoolFromCR, in
 * the list's order), or undefined when it accepts them. All pairs are compared, as MetalLB does:
 * this is its rule book, not an index.
 */
export function metallbPoolsError(pools: readonly MetallbPoolDefinition[]): string | undefined {
    const defined = new Set<string>();
    const allBlocks: MetallbBlock[] = [];
    for (const pool of pools) {
        const prefix = `parsing address pool ${pool.name}: `;
        if (pool.name === "") {
            return `${prefix}missing pool name`;
        }
        if (pool.addresses.length === 0) {
            return `${prefix}pool has no prefixes defined`;
        }
        const blocks: MetallbBlock[] = [];
        for (const text of pool.addresses) {
            const reading = readPoolEntry(text);
            if (!reading.accepted) {
                return `${prefix}invalid CIDR ${goQuote(text)} in pool ${goQuote(pool.name)}: ${reading.metallbError}`;
            }
            blocks.push(...reading.blocks);
        }
        if (defined.has(pool.name)) {
            return `duplicate definition of pool ${goQuote(pool.name)}`;
        }
        for (const block of blocks) {
            const other = allBlocks.find((candidate) => metallbBlocksOverlap(block, candidate));
            if (other) {
                return (
                    `CIDR ${goQuote(formatBlock(block))} in pool ${goQuote(pool.name)} overlaps with already defined ` +
                    `CIDR ${goQuote(formatBlock(other))}`
                );
            }
            allBlocks.push(block);
        }
        defined.add(pool.name);
    }
    return undefined;
}
