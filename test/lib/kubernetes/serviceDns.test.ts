import * as assert from "assert";
import { serviceHostname, serviceUrl } from "../../../lib/kubernetes/serviceDns";

describe("lib/kubernetes/serviceDns", () => {
    it("names a Service and a port of it by cluster DNS", () => {
        assert.strictEqual(
            serviceHostname("mlflow", "mlflow", "cluster.local"),
            "mlflow.mlflow.svc.cluster.local",
        );
        assert.strictEqual(
            serviceUrl(
                { namespace: "registry", service: "zot", port: 5000, scheme: "https" },
                "homelab.internal",
            ),
            "https://zot.registry.svc.homelab.internal:5000",
        );
    });
});
