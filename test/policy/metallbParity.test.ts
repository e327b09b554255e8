// The parity table (metallbParity.data.ts): for every MetalLB test case about addresses and
// overlaps, and for each probe, MetalLB's own verdict next to ours. For an entry: the parser
// returns MetalLB's exact error or its exact CIDRs, the pack rejects exactly what MetalLB rejects,
// and the stack's settings validation refuses it with the pack's words. For a list of pools: the
// emulated rule book answers MetalLB's exact error, and the pack's mandatory policies block the
// same lists, except where the table documents a deliberate difference.

import * as assert from "assert";
import { metallbPoolAddressesAreValid } from "../../policy/policies/metallbPoolAddressesAreValid";
import { metallbPoolAddressesReadAsWritten } from "../../policy/policies/metallbPoolAddressesReadAsWritten";
import { metallbPoolsDoNotOverlap } from "../../policy/policies/metallbPoolsDoNotOverlap";
import { describeEntryProblem, readPoolEntry } from "../../lib/metallb/poolEntry";
import { formatBlock, metallbPoolsError } from "../harness/metallbWebhook";
import { SettingsError } from "../../stacks/problems";
import { RawSettings, validateSettings } from "../../stacks/validation";
import { readStackConfig } from "../harness/stackConfig";
import { stackViolations } from "../harness/policy/harness";
import { entryCases, EntryVerdict, layoutCases } from "./metallbParity.data";
import { addressPool } from "../harness/policy/resources";

function ourEntryVerdict(entry: string): EntryVerdict {
    const reading = readPoolEntry(entry);
    return reading.accepted ? { reads: reading.blocks.map(formatBlock) } : { error: reading.metallbError };
}

/** The settings problems about the general range's syntax (its place in the LAN is another check). */
function settingsProblems(entry: string): string[] {
    const raw = readStackConfig("homelab") as RawSettings & {
        metallb: { generalPool: { addresses: string } };
    };
    raw.metallb.generalPool.addresses = entry;
    try {
        validateSettings(raw);
        return [];
    } catch (error) {
        assert.ok(error instanceof SettingsError, String(error));
        const prefix = `metallb.generalPool.addresses: ${JSON.stringify(entry)} `;
        return error.problems
            .filter(
                (problem) => problem.startsWith(prefix) && !problem.includes("is not inside network.lanCidr"),
            )
            .map((problem) => problem.slice(prefix.length));
    }
}

describe("parity with MetalLB 0.15.2: pool entries", () => {
    it("has every MetalLB test entry and at least 40 probes", () => {
        const probes = entryCases.filter((row) => row.source.startsWith("probe:"));
        assert.ok(probes.length >= 40, `${probes.length} probes`);
        // The 25 distinct entries of config_test.go, validation_test.go and the e2e webhook tests.
        assert.strictEqual(entryCases.length - probes.length, 25);
        assert.strictEqual(new Set(entryCases.map((row) => row.entry)).size, entryCases.length);
    });

    for (const row of entryCases) {
        it(`${JSON.stringify(row.entry)} (${row.source.slice(0, 80)})`, async () => {
            assert.deepStrictEqual(ourEntryVerdict(row.entry), row.metallb);
            assert.strictEqual(
                "error" in row.metallb,
                row.pack === "rejects",
                "MetalLB rejects iff the pack does",
            );

            const spec = [addressPool("pool", [row.entry])];
            const mandatory = await stackViolations(metallbPoolAddressesAreValid, spec);
            const advisory = await stackViolations(metallbPoolAddressesReadAsWritten, spec);
            const pack = mandatory.length > 0 ? "rejects" : advisory.length > 0 ? "warns" : "accepts";
            assert.strictEqual(pack, row.pack);

            const problem = describeEntryProblem(readPoolEntry(row.entry));
            assert.deepStrictEqual(settingsProblems(row.entry), problem === undefined ? [] : [problem]);
            for (const violation of [...mandatory, ...advisory]) {
                assert.ok(violation.message.includes(problem!), violation.message);
            }
        });
    }
});

describe("parity with MetalLB 0.15.2: lists of pools", () => {
    it("has every MetalLB test case with pools and documents each difference", () => {
        // The 46 TestParse cases with pools, and the five pool steps of the e2e webhook tests.
        assert.strictEqual(layoutCases.filter((row) => !row.source.startsWith("probe:")).length, 51);
        for (const row of layoutCases) {
            assert.strictEqual(
                row.metallb !== "accepted" || row.pack === "accepts",
                row.difference === undefined,
                row.source,
            );
        }
    });

    for (const row of layoutCases) {
        it(`${row.pools.map((pool) => `${pool.name}: [${pool.addresses.join(", ")}]`).join("; ")} (${row.source.slice(0, 80)})`, async () => {
            const metallb = metallbPoolsError(row.pools);
            assert.deepStrictEqual(metallb === undefined ? "accepted" : { error: metallb }, row.metallb);

            // A Kubernetes object always has a name: a nameless pool takes its Pulumi name.
            const specs = row.pools.map((pool, index) =>
                addressPool(pool.name, pool.addresses, { pulumiName: `${pool.name || "pool"}-${index}` }),
            );
            const violations = [
                ...(await stackViolations(metallbPoolAddressesAreValid, specs)),
                ...(await stackViolations(metallbPoolsDoNotOverlap, specs)),
            ];
            assert.strictEqual(
                violations.length > 0 ? "rejects" : "accepts",
                row.pack,
                violations.map((v) => v.message).join("\n"),
            );
        });
    }
});
