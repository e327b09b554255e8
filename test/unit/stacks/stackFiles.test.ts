import * as assert from "assert";
import { validateSettings } from "../../../stacks/validation";
import { readStackConfig } from "../../harness/stackConfig";

describe("stack files", () => {
    it("the local stack has the homelab layout, with fixture charts", () => {
        const homelab = validateSettings(readStackConfig("homelab"));
        const local = validateSettings(readStackConfig("local"));
        // The local cluster has a (simulated) node, so the provider's readiness waits stay on.
        assert.strictEqual(local.skipAwait, false);
        assert.deepStrictEqual(local.metallb.chart, { kind: "path", path: "test/fixtures/charts/metallb" });
        assert.deepStrictEqual(local.argo.chart, {
            kind: "path",
            path: "test/fixtures/charts/argo-workflows",
        });
        const layout = (settings: typeof homelab) => ({
            ...settings,
            metallb: { ...settings.metallb, chart: undefined },
            ingress: { ...settings.ingress, chart: undefined },
            argo: { ...settings.argo, chart: undefined },
        });
        assert.deepStrictEqual(layout(local), layout(homelab));
    });
});
