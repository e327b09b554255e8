import * as assert from "assert";
import { validateSettings } from "../../../stacks/validation";
import { readStackConfig } from "../../harness/stackConfig";

describe("stack files", () => {
    it("the local stack has the homelab layout, with fixture charts", () => {
        const homelab = validateSettings(readStackConfig("homelab"));
        const local = validateSettings(readStackConfig("local"));
        // The local cluster has a real node, so the provider's readiness waits stay on.
        assert.strictEqual(local.skipAwait, false);
        assert.deepStrictEqual(local.metallb.chart, { kind: "path", path: "test/fixtures/charts/metallb" });
        assert.deepStrictEqual(local.argo.chart, {
            kind: "path",
            path: "test/fixtures/charts/argo-workflows",
        });
        // The homelab keeps its charts' defaults; the local stack's values only fit its node.
        assert.deepStrictEqual(homelab.argo.chartValues, {});
        assert.deepStrictEqual(local.argo.chartValues, { images: { pullPolicy: "IfNotPresent" } });
        // The homelab's node addresses are its operator's to write (npm run preflight lists them).
        assert.deepStrictEqual(homelab.network.nodeAddresses, []);
        assert.deepStrictEqual(local.network.nodeAddresses, ["192.168.1.10"]);
        const layout = (settings: typeof homelab) => ({
            ...settings,
            network: { ...settings.network, nodeAddresses: undefined },
            metallb: { ...settings.metallb, chart: undefined, chartValues: undefined },
            ingress: { ...settings.ingress, chart: undefined, chartValues: undefined },
            argo: { ...settings.argo, chart: undefined, chartValues: undefined },
            dnsProbe: { ...settings.dnsProbe, image: undefined },
        });
        assert.deepStrictEqual(layout(local), layout(homelab));
    });
});
