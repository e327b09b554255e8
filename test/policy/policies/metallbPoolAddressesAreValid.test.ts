import * as assert from "assert";
import { metallbPoolAddressesAreValid } from "../../../policy/policies/metallbPoolAddressesAreValid";
import {
    runStackPolicy,
    stackViolations,
    unknownArray,
    unknownString,
    urnOf,
} from "../../harness/policy/harness";
import { addressPool, homelabStack, types } from "../../harness/policy/resources";

const pool = (name: string) => `IPAddressPool metallb-system/${name} (Pulumi name "${name}")`;

async function messages(specs: Parameters<typeof stackViolations>[1]): Promise<string[]> {
    return (await stackViolations(metallbPoolAddressesAreValid, specs)).map((violation) => violation.message);
}

describe("metallb-pool-addresses-are-valid", () => {
    it("accepts the homelab's pools and every spelling MetalLB reads (spaces around a dash, /024, host bits)", async () => {
        assert.deepStrictEqual(await stackViolations(metallbPoolAddressesAreValid, homelabStack()), []);
        const specs = [
            addressPool("spelled", [
                "10.0.0.1 - 10.0.0.9",
                "10.0.1.0/024",
                "10.0.2.9/29",
                "::ffff:10.0.3.0/120",
            ]),
        ];
        assert.deepStrictEqual(await messages(specs), []);
    });

    it("rejects a CIDR with whitespace around it, naming the pool, the entry, MetalLB's answer and the spelling it reads", async () => {
        const specs = [addressPool("general", ["192.168.1.0/24 "])];
        assert.deepStrictEqual(await stackViolations(metallbPoolAddressesAreValid, specs), [
            {
                message:
                    `${pool("general")} spec.addresses[0] "192.168.1.0/24 " is not an address range MetalLB reads: a ` +
                    "CIDR must not have whitespace around it (MetalLB trims only the two ends of a start-end range). " +
                    `MetalLB's webhook rejects the pool (invalid CIDR "192.168.1.0/24 "), so the update fails there. ` +
                    "Write 192.168.1.0/24.",
                urn: urnOf({ type: types.ipAddressPool, name: "general" }),
            },
        ]);
    });

    it("rejects a single address, a reversed range and a leading zero, suggesting what they mean", async () => {
        const specs = [
            addressPool("ingress", ["192.168.1.249"]),
            addressPool("reversed", ["192.168.1.250-192.168.1.200"]),
            addressPool("octal", ["192.168.1.010/32"]),
        ];
        assert.deepStrictEqual(await messages(specs), [
            `${pool("ingress")} spec.addresses[0] "192.168.1.249" is not an address range MetalLB reads: it is a ` +
                "single address; MetalLB takes CIDRs and start-end ranges only. MetalLB's webhook rejects the pool " +
                `(invalid CIDR "192.168.1.249"), so the update fails there. Write 192.168.1.249/32.`,
            `${pool("reversed")} spec.addresses[0] "192.168.1.250-192.168.1.200" is not an address range MetalLB ` +
                "reads: it starts at 192.168.1.250, after its end 192.168.1.200. MetalLB's webhook rejects the pool " +
                `(invalid IP range "192.168.1.250-192.168.1.200": start IP "192.168.1.250" is after the end IP ` +
                `"192.168.1.200"), so the update fails there. Write 192.168.1.200-192.168.1.250.`,
            `${pool("octal")} spec.addresses[0] "192.168.1.010/32" is not an address range MetalLB reads: ` +
                `"192.168.1.010" is not an IP address: an octet has a leading zero, which MetalLB refuses (some tools ` +
                `read 010 as octal). MetalLB's webhook rejects the pool (invalid CIDR "192.168.1.010/32"), so the ` +
                "update fails there. Write 192.168.1.10/32.",
        ]);
    });

    it("suggests removing an unreadable entry only when the pool keeps other addresses", async () => {
        const specs = [addressPool("kept", ["10.0.0.0/24", "ten"]), addressPool("alone", ["ten"])];
        assert.deepStrictEqual(await messages(specs), [
            `${pool("kept")} spec.addresses[1] "ten" is not an address range MetalLB reads: it is neither a CIDR ` +
                "(address/prefix length) nor a start-end range (first-last). MetalLB's webhook rejects the pool " +
                `(invalid CIDR "ten"), so the update fails there. Correct it, or remove it (the pool keeps 10.0.0.0/24).`,
            `${pool("alone")} spec.addresses[0] "ten" is not an address range MetalLB reads: it is neither a CIDR ` +
                "(address/prefix length) nor a start-end range (first-last). MetalLB's webhook rejects the pool " +
                `(invalid CIDR "ten"), so the update fails there. Write a CIDR such as 192.168.1.240/28 or a start-end ` +
                "range such as 192.168.1.200-192.168.1.250 (both ends of one family).",
        ]);
    });

    it("rejects entries that are not strings, which the API server refuses", async () => {
        const specs = [addressPool("shapes", ["10.0.0.0/24", 42, null, ["10.0.1.0/24", "10.0.2.0/24"]])];
        assert.deepStrictEqual(await messages(specs), [
            `${pool("shapes")} spec.addresses[1] is the number "42", not a string: the IPAddressPool schema lists ` +
                "strings, so the API server rejects the pool before MetalLB sees it. Correct it, or remove it (the " +
                "pool keeps 10.0.0.0/24).",
            `${pool("shapes")} spec.addresses[2] is null, not a string: the IPAddressPool schema lists strings, so ` +
                "the API server rejects the pool before MetalLB sees it. Correct it, or remove it (the pool keeps " +
                "10.0.0.0/24).",
            `${pool("shapes")} spec.addresses[3] is a list, not a string: the IPAddressPool schema lists strings, so ` +
                "the API server rejects the pool before MetalLB sees it. Write its items as entries of " +
                "spec.addresses: 10.0.1.0/24, 10.0.2.0/24.",
        ]);
    });

    it("rejects pools without addresses, and a string where the list belongs", async () => {
        const specs = [
            addressPool("empty", []),
            addressPool("missing", undefined),
            addressPool("string", "192.168.1.0/24"),
        ];
        assert.deepStrictEqual(await messages(specs), [
            `${pool("empty")} has no addresses (spec.addresses is empty): MetalLB's webhook rejects a pool without ` +
                `addresses ("pool has no prefixes defined"). List its addresses, or delete the pool.`,
            `${pool("missing")} has no spec.addresses: the IPAddressPool schema requires a list of addresses, so the ` +
                "API server rejects the pool. List its addresses (a CIDR such as 192.168.1.240/28 or a start-end range " +
                "such as 192.168.1.200-192.168.1.250 (both ends of one family)), or delete the pool.",
            `${pool("string")} has spec.addresses "192.168.1.0/24", a string rather than a list: the IPAddressPool ` +
                'schema takes a list of strings, so the API server rejects the pool. Write addresses: ["192.168.1.0/24"].',
        ]);
    });

    it("rejects a second pool with the same namespace and name, and suggests a free name", async () => {
        const specs = [
            addressPool("ingress-pool", ["192.168.1.249/32"], { pulumiName: "ingress" }),
            addressPool("ingress-pool", ["192.168.1.248/32"], { pulumiName: "ingress-copy" }),
            addressPool("ingress-pool-2", ["192.168.1.247/32"]),
            addressPool("ingress-pool", ["192.168.1.246/32"], {
                pulumiName: "elsewhere",
                namespace: "other",
            }),
        ];
        assert.deepStrictEqual(await stackViolations(metallbPoolAddressesAreValid, specs), [
            {
                message:
                    'IPAddressPool metallb-system/ingress-pool (Pulumi name "ingress-copy") has the same namespace and ' +
                    "name (metallb-system/ingress-pool) as IPAddressPool metallb-system/ingress-pool (Pulumi name " +
                    '"ingress"): Kubernetes keeps one object per name, so each update overwrites the other\'s ' +
                    "addresses, and MetalLB refuses a second definition of a pool. Rename one of them (e.g. " +
                    "ingress-pool-3) or merge them into one pool.",
                urn: urnOf({ type: types.ipAddressPool, name: "ingress-copy" }),
            },
        ]);
    });

    it("cuts very long entries in its messages", async () => {
        const long = `10.0.0.0/${"9".repeat(100_000)}`;
        const [message] = await messages([addressPool("long", ["10.1.0.0/16", long])]);
        assert.ok(message.length < 800, `${message.length} characters`);
        assert.ok(message.includes(`"10.0.0.0/${"9".repeat(39)}"... (100009 characters) is not`), message);
        assert.ok(
            message.includes("the prefix length of 100000 digits is longer than an IPv4 address"),
            message,
        );
    });

    it("skips what is unknown during preview, and still checks the rest", async () => {
        const specs = [
            addressPool("pending", unknownArray),
            addressPool("pending-entry", [unknownString, "10.0.0.1"]),
        ];
        const run = await runStackPolicy(metallbPoolAddressesAreValid, specs);
        assert.strictEqual(run.unknownDuringPreview, undefined);
        assert.deepStrictEqual(
            run.violations.map((violation) => violation.message.split(":")[0]),
            [`${pool("pending-entry")} spec.addresses[1] "10.0.0.1" is not an address range MetalLB reads`],
        );
    });
});
