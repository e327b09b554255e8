import * as assert from "assert";
import { findAddressMentions, isPrivateAddress } from "../../../lib/addresses/mentions";
import { ip } from "../../harness/addresses";

function mentions(text: string): string[] {
    return findAddressMentions(text).map((mention) => `${mention.form} ${mention.text}`);
}

describe("lib/addresses/mentions", () => {
    it("says how each address is written", () => {
        assert.deepStrictEqual(mentions("http://192.168.1.203:5000/api"), ["url http://192.168.1.203:5000"]);
        assert.deepStrictEqual(mentions("postgres://user:pw@10.0.0.5:5432/db"), [
            "url postgres://10.0.0.5:5432",
        ]);
        assert.deepStrictEqual(mentions("10.0.0.5:53 and 10.0.0.6"), [
            "host-port 10.0.0.5:53",
            "bare 10.0.0.6",
        ]);
        assert.deepStrictEqual(mentions("10.0.0.0/8,192.168.1.200-192.168.1.250"), [
            "network 10.0.0.0",
            "network 192.168.1.200",
            "network 192.168.1.250",
        ]);
        assert.deepStrictEqual(mentions("http://[fd00::1]:80 [::ffff:10.0.0.1]"), [
            "url http://[fd00::1]:80",
            "bare [::ffff:10.0.0.1]",
        ]);
        assert.deepStrictEqual(mentions(" fd00::1 "), ["bare fd00::1"]);
        assert.deepStrictEqual(mentions("version 1.2.3.4.5, 300.1.1.1, mlflow.mlflow.svc:5000"), []);
    });

    it("tells private addresses from public ones", () => {
        assert.ok(isPrivateAddress(ip("192.168.1.203")));
        assert.ok(isPrivateAddress(ip("10.43.0.10")));
        assert.ok(isPrivateAddress(ip("fd00::5")));
        assert.ok(!isPrivateAddress(ip("8.8.8.8")));
    });
});
