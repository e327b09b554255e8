import * as assert from "assert";
import { readAddressRequest } from "../../../lib/metallb/serviceRequest";
import { serviceAddressesOf } from "../../../cli/addressMap";
import { serviceRequestCases } from "../../harness/serviceRequestCases";

describe("lib/metallb/serviceRequest: what a Service asks of MetalLB", () => {
    for (const example of serviceRequestCases) {
        it(example.what, () => {
            const request = readAddressRequest(example.annotations, example.spec);
            if (example.written.length === 0 && example.pinned === undefined) {
                assert.strictEqual(request, undefined);
                return;
            }
            assert.deepStrictEqual(
                request?.written.map(({ text, field }) => `${text}@${field}`),
                example.written,
            );
            assert.strictEqual(request?.pinnedPool?.value, example.pinned);
            assert.strictEqual(request?.sharingKey, example.sharingKey);
        });
    }

    it("the address map shows a request written twice with both its addresses, not the first spelling's alone", () => {
        const service = serviceAddressesOf({
            metadata: {
                namespace: "tenants",
                name: "twice",
                annotations: {
                    "metallb.io/loadBalancerIPs": "192.168.1.249",
                    "metallb.universe.tf/loadBalancerIPs": "192.168.1.240",
                },
            },
            spec: { type: "LoadBalancer" },
        });
        assert.deepStrictEqual(service?.requested, ["192.168.1.249", "192.168.1.240"]);
    });
});
