import * as assert from "assert";
import { noRawPrivateIpUrls } from "../../../policy/policies/noRawPrivateIpUrls";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import {
    addressPool,
    configMap,
    container,
    deployment,
    homelabStack,
    types,
} from "../../harness/policy/resources";

const advice = "it breaks when the address changes and bypasses cluster DNS. Use a DNS name instead";

describe("no-raw-private-ip-urls", () => {
    it("accepts the homelab", async () => {
        assert.deepStrictEqual(await stackViolations(noRawPrivateIpUrls, homelabStack()), []);
    });

    it("accepts public addresses, bare addresses and networks, and leaves pool addresses to the mandatory policy", async () => {
        const specs = [
            addressPool("homelab-pool", ["192.168.1.200-192.168.1.250"]),
            configMap("apps", "settings", {
                resolver: "https://1.1.1.1/dns-query",
                nodeIp: "10.0.0.7",
                noProxy: "10.0.0.0/8,192.168.1.0/24",
                mlflow: "http://192.168.1.203:5000",
                loopback: "http://127.0.0.1:8080",
            }),
        ];
        assert.deepStrictEqual(await stackViolations(noRawPrivateIpUrls, specs), []);
    });

    it("flags URLs and host:port on other private addresses (ClusterIP, LAN host, CGNAT, IPv6 ULA)", async () => {
        const specs = [
            configMap("apps", "endpoints", {
                CLUSTER_IP: "http://10.43.12.7:8080/health",
                NAS: "nfs://192.168.1.10/export",
                TAILNET: "100.101.102.103:443",
                V6: "http://[fd12::5]:80",
            }),
            deployment("apps", "client", [
                container("client", { DB: "postgres://app:secret@172.16.4.2:5432/app" }),
            ]),
        ];
        const violations = await stackViolations(noRawPrivateIpUrls, specs);
        assert.deepStrictEqual(
            violations.map((violation) => violation.message),
            [
                `ConfigMap apps/endpoints (Pulumi name "endpoints") data CLUSTER_IP uses "http://10.43.12.7:8080", a raw private address: ${advice} (<service>.<namespace>.svc.cluster.local for a Service in the cluster).`,
                `ConfigMap apps/endpoints (Pulumi name "endpoints") data NAS uses "nfs://192.168.1.10", a raw private address: ${advice} (<service>.<namespace>.svc.cluster.local for a Service in the cluster).`,
                `ConfigMap apps/endpoints (Pulumi name "endpoints") data TAILNET uses "100.101.102.103:443", a raw private address: ${advice} (<service>.<namespace>.svc.cluster.local for a Service in the cluster).`,
                `ConfigMap apps/endpoints (Pulumi name "endpoints") data V6 uses "http://[fd12::5]:80", a raw private address: ${advice} (<service>.<namespace>.svc.cluster.local for a Service in the cluster).`,
                `Deployment apps/client (Pulumi name "client") container client env DB uses "postgres://172.16.4.2:5432", a raw private address: ${advice} (<service>.<namespace>.svc.cluster.local for a Service in the cluster).`,
            ],
        );
        assert.strictEqual(violations[4].urn, urnOf({ type: types.deployment, name: "client" }));
    });

    it("during preview, skips unknown values", async () => {
        const specs = [
            configMap("apps", "pending", { URL: unknownString }),
            configMap("apps", "all-pending", unknownString),
        ];
        assert.deepStrictEqual(await runStackPolicy(noRawPrivateIpUrls, specs), { violations: [] });
    });
});
