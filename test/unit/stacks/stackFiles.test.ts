import * as assert from "assert";
import { validateSettings } from "../../../stacks/validation";
import { readStackConfig } from "../../harness/stackConfig";

describe("stack files", () => {
    it("the local stack has the homelab layout, with fixture charts and no readiness waits", () => {
        const homelab = validateSettings(readStackConfig("homelab"));
        const local = validateSettings(readStackConfig("local"));
        assert.strictEqual(local.skipAwait, true);
        assert.deepStrictEqual(local.metallb.chart, { kind: "path", path: "test/fixtures/charts/metallb" });
        assert.deepStrictEqual(local.argo.chart, {
            kind: "path",
            path: "test/fixtures/charts/argo-workflows",
        });
        const layout = (settings: typeof homelab) => ({
            ...settings,
            skipAwait: undefined,
            metallb: { ...settings.metallb, chart: undefined },
            ingress: { ...settings.ingress, chart: undefined },
            argo: { ...settings.argo, chart: undefined },
        });
        assert.deepStrictEqual(layout(local), layout(homelab));
    });
});
