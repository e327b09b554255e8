import * as assert from "assert";
import { formatIp, parseCidr, parseIp } from "../../../lib/addresses/ip";
import { ip } from "../../harness/addresses";

describe("lib/addresses/ip", () => {
    it("parses and formats IPv4 and IPv6", () => {
        assert.strictEqual(formatIp(4, ip("192.168.1.249").value), "192.168.1.249");
        assert.strictEqual(
            formatIp(6, ip("2001:0db8:0000:0000:0001:0000:0000:0001").value),
            "2001:db8::1:0:0:1",
        );
        assert.strictEqual(formatIp(6, ip("::").value), "::");
        assert.strictEqual(formatIp(6, ip("fd00::1").value), "fd00::1");
        assert.deepStrictEqual(ip("::ffff:192.168.1.1"), { family: 6, value: 0xffffc0a80101n });
    });

    it("rejects malformed addresses", () => {
        for (const text of [
            "192.168.1.256",
            "192.168.1",
            "192.168.01.1",
            "1.2.3.4.5",
            "fd00:::1",
            "1::2::3",
            "g::1",
            "",
        ]) {
            assert.strictEqual(parseIp(text), undefined, text);
        }
    });

    it("parses CIDRs and rejects host bits or bad prefixes", () => {
        assert.deepStrictEqual(parseCidr("192.168.1.0/24"), {
            family: 4,
            first: ip("192.168.1.0").value,
            last: ip("192.168.1.255").value,
            prefixLength: 24,
        });
        assert.strictEqual(parseCidr("192.168.1.1/24"), undefined);
        assert.strictEqual(parseCidr("192.168.1.0/33"), undefined);
        assert.strictEqual(parseCidr("192.168.1.0/024"), undefined);
        assert.strictEqual(parseCidr("fd00::/8")?.prefixLength, 8);
    });
});
