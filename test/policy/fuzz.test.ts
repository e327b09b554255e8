// No policy may throw, whatever the engine hands it: every policy of the pack over random stacks
// (fuzz.ts), each run ending in violations or nothing. `npm run bench` reports the time bound.

import * as assert from "assert";
import { policies } from "../../policy/allPolicies";
import { fuzzPack } from "../harness/policy/fuzz";

describe("the pack on random input", function () {
    this.timeout(120_000);

    it("reports violations or nothing, and never throws (250 random stacks, seed 20260101)", async () => {
        const figures = await fuzzPack(20260101, 250);
        assert.strictEqual(figures.policyRuns, 250 * policies.length);
        assert.ok(figures.violations > 0, "the random stacks should break some rules");
    });
});
