// The parity table: MetalLB v0.15.2's own verdicts on every address and overlap case of its tests, and on
// probes, next to the pack's. MetalLB's column was produced by running its code (go.universe.tf/metallb
// v0.15.2, internal/config: ParseCIDR for an entry, config.For with only IPAddressPools for a list of pools,
// built with Go 1.26) on each input; nothing in it is derived from this repository's code.
//
// Sources: internal/config/config_test.go (TestParse: every case with IPAddressPools; a case whose own
// verdict concerns its BGP or BFD objects is listed for its pools alone), internal/config/validation_test.go,
// e2etest/webhookstests/webhooks.go (the IPAddressPool steps). internal/k8s/webhooks/webhookv1beta1/
// ipaddresspool_webhook_test.go has no addresses (it checks list merging and the namespace with a mocked
// validator), so it adds no row.

/** What MetalLB answers: its error, or the CIDRs it reads (net.IPNet's String()), in its order. */
export type EntryVerdict = { error: string } | { reads: string[] };

export interface EntryCase {
    source: string;
    entry: string;
    metallb: EntryVerdict;
    /** The pack: a mandatory violation, an advisory one (MetalLB reads it differently from how it is written), or nothing. */
    pack: "rejects" | "warns" | "accepts";
}

export interface LayoutCase {
    source: string;
    pools: { name: string; addresses: string[] }[];
    /** MetalLB's webhook error for the list, or "accepted". */
    metallb: { error: string } | "accepted";
    /** Whether the pack's mandatory policies block the list. */
    pack: "rejects" | "accepts";
    /** Where the pack deliberately differs from MetalLB, and why. */
    difference?: string;
}

export const entryCases: EntryCase[] = [
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features"; internal/config/config_test.go:341 TestParse "ip address pool with namespace selection"; internal/config/config_test.go:428 TestParse "ip address pool with duplicate namespace selection"; internal/config/config_test.go:458 TestParse "ip address pool with duplicate namespace selectors"; internal/config/config_test.go:638 TestParse "ip address pool with only priority"; internal/config/config_test.go:2541 TestParse "config IPAddressPool with large communities CR"; internal/config/config_test.go:2676 TestParse "use ip pool selectors"; internal/config/config_test.go:2796 TestParse "specify interfaces"; internal/config/config_test.go:2847 TestParse "use duplicate match labels in ip pool selectors - in BGP adv"; internal/config/config_test.go:2888 TestParse "use duplicate match expression in ip pool selector - in BGP adv"; internal/config/config_test.go:2928 TestParse "use duplicate ip pool selectors - in L2 adv"; internal/config/config_test.go:2967 TestParse "use non existent label for ip pool selectors"; internal/config/config_test.go:3066 TestParse "use node selectors"; internal/config/config_test.go:3200 TestParse "use duplicate match labels in node selectors"; internal/config/config_test.go:3278 TestParse "use duplicate match expression values in node selector"; internal/config/config_test.go:3359 TestParse "no nodes means all nodes"',
        entry: "10.20.0.0/16",
        metallb: { reads: ["10.20.0.0/16"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features"; internal/config/config_test.go:341 TestParse "ip address pool with namespace selection"; internal/config/config_test.go:428 TestParse "ip address pool with duplicate namespace selection"; internal/config/config_test.go:458 TestParse "ip address pool with duplicate namespace selectors"; internal/config/config_test.go:638 TestParse "ip address pool with only priority"; internal/config/config_test.go:2541 TestParse "config IPAddressPool with large communities CR"',
        entry: "10.50.0.0/24",
        metallb: { reads: ["10.50.0.0/24"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features"; internal/config/config_test.go:341 TestParse "ip address pool with namespace selection"; internal/config/config_test.go:492 TestParse "ip address pool with service selection"; internal/config/config_test.go:543 TestParse "ip address pool with duplicate service selection"; internal/config/config_test.go:569 TestParse "ip address pool with namespace and service selection"',
        entry: "30.0.0.0/8",
        metallb: { reads: ["30.0.0.0/8"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features"',
        entry: "40.0.0.0/25",
        metallb: { reads: ["40.0.0.0/25"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features"',
        entry: "40.0.0.150-40.0.0.200",
        metallb: {
            reads: ["40.0.0.150/31", "40.0.0.152/29", "40.0.0.160/27", "40.0.0.192/29", "40.0.0.200/32"],
        },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features"',
        entry: "40.0.0.210 - 40.0.0.240",
        metallb: {
            reads: ["40.0.0.210/31", "40.0.0.212/30", "40.0.0.216/29", "40.0.0.224/28", "40.0.0.240/32"],
        },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features"',
        entry: "40.0.0.250 - 40.0.0.250",
        metallb: { reads: ["40.0.0.250/32"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features"; internal/config/validation_test.go TestValidateFRR "v6 address"',
        entry: "2001:db8::/64",
        metallb: { reads: ["2001:db8::/64"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:341 TestParse "ip address pool with namespace selection"; internal/config/config_test.go:492 TestParse "ip address pool with service selection"; internal/config/config_test.go:569 TestParse "ip address pool with namespace and service selection"',
        entry: "40.0.0.0/8",
        metallb: { reads: ["40.0.0.0/8"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1144 TestParse "invalid pool CIDR"',
        entry: "100.200.300.400/24",
        metallb: { error: 'invalid CIDR "100.200.300.400/24"' },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1159 TestParse "invalid pool CIDR prefix length"',
        entry: "1.2.3.0/33",
        metallb: { error: 'invalid CIDR "1.2.3.0/33"' },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1174 TestParse "invalid pool CIDR, first address of the range is after the second"; internal/config/config_test.go:1273 TestParse "bad aggregation length (too long)"',
        entry: "1.2.3.10-1.2.3.1",
        metallb: {
            error: 'invalid IP range "1.2.3.10-1.2.3.1": start IP "1.2.3.10" is after the end IP "1.2.3.1"',
        },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1189 TestParse "simple advertisement"; internal/config/config_test.go:1231 TestParse "advertisement with default BGP settings"; internal/config/config_test.go:2038 TestParse "Session with default BFD Profile"; internal/config/config_test.go:2230 TestParse "Peer with non existing BFD Profile"; internal/config/config_test.go:2264 TestParse "Multiple BFD Profiles with the same name"; internal/config/config_test.go:2298 TestParse "Session with nondefault BFD Profile"; internal/config/config_test.go:2459 TestParse "Session with ipv4 and bfd echo mode"; internal/config/config_test.go:3437 TestParse "advertisement with peer selector"',
        entry: "1.2.3.0/24",
        metallb: { reads: ["1.2.3.0/24"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1295 TestParse "bad aggregation length (incompatible with CIDR)"; internal/config/config_test.go:1318 TestParse "different local pref - same peers and nodes"; internal/config/config_test.go:1357 TestParse "different local pref - different ipv4 aggregation length"; internal/config/config_test.go:1427 TestParse "different local pref - different aggregation lengths"; internal/config/config_test.go:1497 TestParse "different local pref - same peers & different nodes"; internal/config/config_test.go:1577 TestParse "different local pref - different peers & same nodes"',
        entry: "10.20.30.40/24",
        metallb: { reads: ["10.20.30.0/24"] },
        pack: "warns",
    },
    {
        source: 'internal/config/config_test.go:1295 TestParse "bad aggregation length (incompatible with CIDR)"',
        entry: "1.2.3.0/28",
        metallb: { reads: ["1.2.3.0/28"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1649 TestParse "aggregation length by range"; internal/config/config_test.go:1704 TestParse "aggregation length by range, too wide"',
        entry: "3.3.3.2-3.3.3.254",
        metallb: {
            reads: [
                "3.3.3.2/31",
                "3.3.3.4/30",
                "3.3.3.8/29",
                "3.3.3.16/28",
                "3.3.3.32/27",
                "3.3.3.64/26",
                "3.3.3.128/26",
                "3.3.3.192/27",
                "3.3.3.224/28",
                "3.3.3.240/29",
                "3.3.3.248/30",
                "3.3.3.252/31",
                "3.3.3.254/32",
            ],
        },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1992 TestParse "duplicate CIDRs"; internal/config/config_test.go:2015 TestParse "overlapping CIDRs"',
        entry: " 10.0.0.0/8",
        metallb: { error: 'invalid CIDR " 10.0.0.0/8"' },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:2015 TestParse "overlapping CIDRs"',
        entry: "10.0.0.0/16",
        metallb: { reads: ["10.0.0.0/16"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2401 TestParse "Session with ipv6 and bfd echo mode"',
        entry: "fc00:f853:0ccd:e793::/64",
        metallb: { reads: ["fc00:f853:ccd:e793::/64"] },
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2676 TestParse "use ip pool selectors"; internal/config/config_test.go:2967 TestParse "use non existent label for ip pool selectors"; internal/config/config_test.go:3066 TestParse "use node selectors"',
        entry: "30.0.0.0/16",
        metallb: { reads: ["30.0.0.0/16"] },
        pack: "accepts",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize overlapping addresses in two AddressPools"',
        entry: "1.1.1.1-1.1.1.100",
        metallb: {
            reads: [
                "1.1.1.1/32",
                "1.1.1.2/31",
                "1.1.1.4/30",
                "1.1.1.8/29",
                "1.1.1.16/28",
                "1.1.1.32/27",
                "1.1.1.64/27",
                "1.1.1.96/30",
                "1.1.1.100/32",
            ],
        },
        pack: "accepts",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize overlapping addresses in two AddressPools"',
        entry: "1.1.1.15-1.1.1.20",
        metallb: { reads: ["1.1.1.15/32", "1.1.1.16/30", "1.1.1.20/32"] },
        pack: "accepts",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize overlapping addresses in two AddressPools"',
        entry: "1.1.1.101-1.1.1.200",
        metallb: {
            reads: [
                "1.1.1.101/32",
                "1.1.1.102/31",
                "1.1.1.104/29",
                "1.1.1.112/28",
                "1.1.1.128/26",
                "1.1.1.192/29",
                "1.1.1.200/32",
            ],
        },
        pack: "accepts",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize overlapping addresses in two AddressPools"',
        entry: "1.1.1.0/24",
        metallb: { reads: ["1.1.1.0/24"] },
        pack: "accepts",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize invalid AggregationLength"',
        entry: "1.1.1.0/28",
        metallb: { reads: ["1.1.1.0/28"] },
        pack: "accepts",
    },
    {
        source: "probe: host bits: the realistic homelab mistake",
        entry: "192.168.1.249/29",
        metallb: { reads: ["192.168.1.248/29"] },
        pack: "warns",
    },
    {
        source: "probe: a leading zero in the prefix length",
        entry: "192.168.1.0/024",
        metallb: { reads: ["192.168.1.0/24"] },
        pack: "accepts",
    },
    {
        source: "probe: many leading zeros in the prefix length",
        entry: "192.168.1.0/0000000000000000000000000024",
        metallb: { reads: ["192.168.1.0/24"] },
        pack: "accepts",
    },
    {
        source: "probe: the whole IPv4 space",
        entry: "0.0.0.0/0",
        metallb: { reads: ["0.0.0.0/0"] },
        pack: "accepts",
    },
    {
        source: "probe: a trailing space after a CIDR",
        entry: "192.168.1.0/24 ",
        metallb: { error: 'invalid CIDR "192.168.1.0/24 "' },
        pack: "rejects",
    },
    {
        source: "probe: a leading tab before a CIDR",
        entry: "\t192.168.1.0/24",
        metallb: { error: 'invalid CIDR "\\t192.168.1.0/24"' },
        pack: "rejects",
    },
    {
        source: "probe: a trailing newline after a CIDR (a YAML block scalar)",
        entry: "192.168.1.0/24\n",
        metallb: { error: 'invalid CIDR "192.168.1.0/24\\n"' },
        pack: "rejects",
    },
    {
        source: "probe: a no-break space after a CIDR",
        entry: "192.168.1.0/24\u00a0",
        metallb: { error: 'invalid CIDR "192.168.1.0/24\\u00a0"' },
        pack: "rejects",
    },
    {
        source: "probe: a space before the slash",
        entry: "192.168.1.0 /24",
        metallb: { error: 'invalid CIDR "192.168.1.0 /24"' },
        pack: "rejects",
    },
    {
        source: "probe: a space after the slash",
        entry: "192.168.1.0/ 24",
        metallb: { error: 'invalid CIDR "192.168.1.0/ 24"' },
        pack: "rejects",
    },
    {
        source: "probe: spaces around the dash",
        entry: "192.168.1.200 - 192.168.1.250",
        metallb: {
            reads: [
                "192.168.1.200/29",
                "192.168.1.208/28",
                "192.168.1.224/28",
                "192.168.1.240/29",
                "192.168.1.248/31",
                "192.168.1.250/32",
            ],
        },
        pack: "accepts",
    },
    {
        source: "probe: spaces around a range",
        entry: "  192.168.1.200-192.168.1.250  ",
        metallb: {
            reads: [
                "192.168.1.200/29",
                "192.168.1.208/28",
                "192.168.1.224/28",
                "192.168.1.240/29",
                "192.168.1.248/31",
                "192.168.1.250/32",
            ],
        },
        pack: "accepts",
    },
    {
        source: "probe: tabs around the dash",
        entry: "10.0.0.1\t-\t10.0.0.3",
        metallb: { reads: ["10.0.0.1/32", "10.0.0.2/31"] },
        pack: "accepts",
    },
    {
        source: "probe: a newline after the dash",
        entry: "10.0.0.1-\n10.0.0.3",
        metallb: { reads: ["10.0.0.1/32", "10.0.0.2/31"] },
        pack: "accepts",
    },
    {
        source: "probe: no-break space and NEL around a range: Go trims both",
        entry: "\u00a0192.168.1.200-192.168.1.250\u0085",
        metallb: {
            reads: [
                "192.168.1.200/29",
                "192.168.1.208/28",
                "192.168.1.224/28",
                "192.168.1.240/29",
                "192.168.1.248/31",
                "192.168.1.250/32",
            ],
        },
        pack: "accepts",
    },
    {
        source: "probe: a byte-order mark before a range: Go does not trim it",
        entry: "\ufeff192.168.1.200-192.168.1.250",
        metallb: {
            error: 'invalid IP range "\\ufeff192.168.1.200-192.168.1.250": invalid start IP "\\ufeff192.168.1.200"',
        },
        pack: "rejects",
    },
    {
        source: "probe: a reversed range",
        entry: "192.168.1.250-192.168.1.200",
        metallb: {
            error: 'invalid IP range "192.168.1.250-192.168.1.200": start IP "192.168.1.250" is after the end IP "192.168.1.200"',
        },
        pack: "rejects",
    },
    {
        source: "probe: a range reversed by one address",
        entry: "192.168.1.10-192.168.1.9",
        metallb: {
            error: 'invalid IP range "192.168.1.10-192.168.1.9": start IP "192.168.1.10" is after the end IP "192.168.1.9"',
        },
        pack: "rejects",
    },
    {
        source: "probe: a reversed IPv6 range",
        entry: "fd00::10-fd00::1",
        metallb: {
            error: 'invalid IP range "fd00::10-fd00::1": start IP "fd00::10" is after the end IP "fd00::1"',
        },
        pack: "rejects",
    },
    {
        source: "probe: an IPv4 start and an IPv6 end: accepted, reads nothing",
        entry: "192.168.1.1-fd00::1",
        metallb: { reads: [] },
        pack: "warns",
    },
    {
        source: "probe: an IPv6 start and an IPv4 end: reversed as 16 bytes",
        entry: "fd00::1-192.168.1.1",
        metallb: {
            error: 'invalid IP range "fd00::1-192.168.1.1": start IP "fd00::1" is after the end IP "192.168.1.1"',
        },
        pack: "rejects",
    },
    {
        source: "probe: an IPv6 start below ::ffff:0:0 and an IPv4 end: accepted, reads nothing",
        entry: "::1-192.168.1.1",
        metallb: { reads: [] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-mapped IPv6 CIDR",
        entry: "::ffff:192.168.1.0/120",
        metallb: { reads: ["192.168.1.0/24"] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-mapped IPv6 CIDR with host bits",
        entry: "::ffff:192.168.1.249/120",
        metallb: { reads: ["192.168.1.0/24"] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-mapped address with a prefix shorter than /96: an IPv6 block",
        entry: "::ffff:192.168.1.0/95",
        metallb: { reads: ["::fffe:0:0/95"] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-mapped /96: every IPv4 address",
        entry: "::ffff:192.168.1.5/96",
        metallb: { reads: ["0.0.0.0/0"] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-mapped address with an IPv4-sized prefix: an IPv6 block",
        entry: "::ffff:192.168.1.0/33",
        metallb: { reads: ["::/33"] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-mapped /128",
        entry: "::ffff:192.168.1.1/128",
        metallb: { reads: ["192.168.1.1/32"] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-mapped address written in full",
        entry: "0:0:0:0:0:ffff:192.168.1.1/128",
        metallb: { reads: ["192.168.1.1/32"] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-mapped address written in hex",
        entry: "::ffff:c0a8:1c8/125",
        metallb: { reads: ["192.168.1.200/29"] },
        pack: "warns",
    },
    {
        source: "probe: a range with IPv4-mapped ends",
        entry: "::ffff:192.168.1.200-::ffff:192.168.1.250",
        metallb: {
            reads: [
                "192.168.1.200/29",
                "192.168.1.208/28",
                "192.168.1.224/28",
                "192.168.1.240/29",
                "192.168.1.248/31",
                "192.168.1.250/32",
            ],
        },
        pack: "warns",
    },
    {
        source: "probe: a range with an IPv4 start and an IPv4-mapped end",
        entry: "192.168.1.200-::ffff:192.168.1.250",
        metallb: {
            reads: [
                "192.168.1.200/29",
                "192.168.1.208/28",
                "192.168.1.224/28",
                "192.168.1.240/29",
                "192.168.1.248/31",
                "192.168.1.250/32",
            ],
        },
        pack: "warns",
    },
    {
        source: "probe: every IPv4-mapped address as a range",
        entry: "::ffff:0.0.0.0-::ffff:255.255.255.255",
        metallb: { reads: ["0.0.0.0/0"] },
        pack: "warns",
    },
    {
        source: "probe: an IPv4-compatible (not mapped) address: IPv6",
        entry: "::192.168.1.1/128",
        metallb: { reads: ["::c0a8:101/128"] },
        pack: "accepts",
    },
    {
        source: "probe: a single address",
        entry: "192.168.1.249",
        metallb: { error: 'invalid CIDR "192.168.1.249"' },
        pack: "rejects",
    },
    {
        source: "probe: a single IPv6 address",
        entry: "fd00::1",
        metallb: { error: 'invalid CIDR "fd00::1"' },
        pack: "rejects",
    },
    {
        source: "probe: a leading zero in an octet",
        entry: "192.168.01.1/32",
        metallb: { error: 'invalid CIDR "192.168.01.1/32"' },
        pack: "rejects",
    },
    {
        source: "probe: an octet above 255",
        entry: "192.168.1.256/32",
        metallb: { error: 'invalid CIDR "192.168.1.256/32"' },
        pack: "rejects",
    },
    {
        source: "probe: three octets",
        entry: "192.168.1/24",
        metallb: { error: 'invalid CIDR "192.168.1/24"' },
        pack: "rejects",
    },
    {
        source: "probe: a prefix longer than IPv4",
        entry: "192.168.1.0/33",
        metallb: { error: 'invalid CIDR "192.168.1.0/33"' },
        pack: "rejects",
    },
    {
        source: "probe: a prefix longer than IPv6",
        entry: "fd00::/129",
        metallb: { error: 'invalid CIDR "fd00::/129"' },
        pack: "rejects",
    },
    {
        source: "probe: a prefix length that overflows 32 bits",
        entry: "192.168.1.0/4294967320",
        metallb: { error: 'invalid CIDR "192.168.1.0/4294967320"' },
        pack: "rejects",
    },
    {
        source: "probe: no prefix length",
        entry: "192.168.1.0/",
        metallb: { error: 'invalid CIDR "192.168.1.0/"' },
        pack: "rejects",
    },
    {
        source: "probe: a signed prefix length",
        entry: "192.168.1.0/+24",
        metallb: { error: 'invalid CIDR "192.168.1.0/+24"' },
        pack: "rejects",
    },
    {
        source: "probe: two slashes",
        entry: "192.168.1.0/24/24",
        metallb: { error: 'invalid CIDR "192.168.1.0/24/24"' },
        pack: "rejects",
    },
    {
        source: "probe: a zone in a CIDR",
        entry: "fe80::1%eth0/64",
        metallb: { error: 'invalid CIDR "fe80::1%eth0/64"' },
        pack: "rejects",
    },
    {
        source: "probe: a zone in a range",
        entry: "fe80::1%eth0-fe80::2",
        metallb: { error: 'invalid IP range "fe80::1%eth0-fe80::2": invalid start IP "fe80::1%eth0"' },
        pack: "rejects",
    },
    { source: "probe: upper-case hex", entry: "FD00::/8", metallb: { reads: ["fd00::/8"] }, pack: "accepts" },
    {
        source: "probe: nine groups",
        entry: "fd00:0:0:0:0:0:0:0:1/128",
        metallb: { error: 'invalid CIDR "fd00:0:0:0:0:0:0:0:1/128"' },
        pack: "rejects",
    },
    {
        source: "probe: two ::",
        entry: "fd00::1::/64",
        metallb: { error: 'invalid CIDR "fd00::1::/64"' },
        pack: "rejects",
    },
    {
        source: "probe: five hex digits in a group",
        entry: "fd000::/16",
        metallb: { error: 'invalid CIDR "fd000::/16"' },
        pack: "rejects",
    },
    {
        source: "probe: a :: standing for the last group",
        entry: "1:2:3:4:5:6:7::/128",
        metallb: { reads: ["1:2:3:4:5:6:7:0/128"] },
        pack: "accepts",
    },
    {
        source: "probe: a :: standing for no group",
        entry: "1:2:3:4:5:6:7:8::/128",
        metallb: { error: 'invalid CIDR "1:2:3:4:5:6:7:8::/128"' },
        pack: "rejects",
    },
    {
        source: "probe: a dotted address before ::",
        entry: "1.2.3.4::/64",
        metallb: { error: 'invalid CIDR "1.2.3.4::/64"' },
        pack: "rejects",
    },
    { source: "probe: the whole IPv6 space", entry: "::/0", metallb: { reads: ["::/0"] }, pack: "accepts" },
    {
        source: "probe: the unspecified IPv6 address",
        entry: "::/128",
        metallb: { reads: ["::/128"] },
        pack: "accepts",
    },
    {
        source: "probe: the whole IPv6 space as a range",
        entry: "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        metallb: { reads: ["::/0"] },
        pack: "accepts",
    },
    {
        source: "probe: the whole IPv4 space as a range",
        entry: "0.0.0.0-255.255.255.255",
        metallb: { reads: ["0.0.0.0/0"] },
        pack: "accepts",
    },
    {
        source: "probe: an IPv6 range summarized into many blocks",
        entry: "fd00::1-fd00::1:0",
        metallb: {
            reads: [
                "fd00::1/128",
                "fd00::2/127",
                "fd00::4/126",
                "fd00::8/125",
                "fd00::10/124",
                "fd00::20/123",
                "fd00::40/122",
                "fd00::80/121",
                "fd00::100/120",
                "fd00::200/119",
                "fd00::400/118",
                "fd00::800/117",
                "fd00::1000/116",
                "fd00::2000/115",
                "fd00::4000/114",
                "fd00::8000/113",
                "fd00::1:0/128",
            ],
        },
        pack: "accepts",
    },
    {
        source: "probe: a range that is exactly one block",
        entry: "10.0.0.0-10.0.0.255",
        metallb: { reads: ["10.0.0.0/24"] },
        pack: "accepts",
    },
    {
        source: "probe: a single-address range",
        entry: "10.0.0.5-10.0.0.5",
        metallb: { reads: ["10.0.0.5/32"] },
        pack: "accepts",
    },
    {
        source: "probe: two dashes",
        entry: "192.168.1.1-192.168.1.2-192.168.1.3",
        metallb: {
            error: 'invalid IP range "192.168.1.1-192.168.1.2-192.168.1.3": invalid end IP "192.168.1.2-192.168.1.3"',
        },
        pack: "rejects",
    },
    {
        source: "probe: CIDRs as the ends of a range",
        entry: "192.168.1.0/24-192.168.2.0/24",
        metallb: {
            error: 'invalid IP range "192.168.1.0/24-192.168.2.0/24": invalid start IP "192.168.1.0/24"',
        },
        pack: "rejects",
    },
    {
        source: "probe: an en dash instead of a hyphen",
        entry: "192.168.1.1\u2013192.168.1.9",
        metallb: { error: 'invalid CIDR "192.168.1.1\u2013192.168.1.9"' },
        pack: "rejects",
    },
    {
        source: "probe: full-width digits",
        entry: "\uff11\uff19\uff12.168.1.0/24",
        metallb: { error: 'invalid CIDR "\uff11\uff19\uff12.168.1.0/24"' },
        pack: "rejects",
    },
    {
        source: "probe: a comment after the entry",
        entry: "1.2.3.4/32 # ingress",
        metallb: { error: 'invalid CIDR "1.2.3.4/32 # ingress"' },
        pack: "rejects",
    },
    {
        source: "probe: a trailing comma",
        entry: "192.168.1.0/24,",
        metallb: { error: 'invalid CIDR "192.168.1.0/24,"' },
        pack: "rejects",
    },
    { source: "probe: an empty entry", entry: "", metallb: { error: 'invalid CIDR ""' }, pack: "rejects" },
    {
        source: "probe: only a dash",
        entry: "-",
        metallb: { error: 'invalid IP range "-": invalid start IP ""' },
        pack: "rejects",
    },
    { source: "probe: only a slash", entry: "/", metallb: { error: 'invalid CIDR "/"' }, pack: "rejects" },
    {
        source: "probe: a prefix length without an address",
        entry: "/24",
        metallb: { error: 'invalid CIDR "/24"' },
        pack: "rejects",
    },
    {
        source: "probe: a single address as /32",
        entry: "192.168.1.7/32",
        metallb: { reads: ["192.168.1.7/32"] },
        pack: "accepts",
    },
];

export const layoutCases: LayoutCase[] = [
    {
        source: 'internal/config/config_test.go:63 TestParse "config using all features" (its pools)',
        pools: [
            { name: "pool1", addresses: ["10.20.0.0/16", "10.50.0.0/24"] },
            { name: "pool2", addresses: ["30.0.0.0/8"] },
            {
                name: "pool3",
                addresses: [
                    "40.0.0.0/25",
                    "40.0.0.150-40.0.0.200",
                    "40.0.0.210 - 40.0.0.240",
                    "40.0.0.250 - 40.0.0.250",
                ],
            },
            { name: "pool4", addresses: ["2001:db8::/64"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:341 TestParse "ip address pool with namespace selection" (its pools)',
        pools: [
            { name: "pool1", addresses: ["10.20.0.0/16", "10.50.0.0/24"] },
            { name: "pool2", addresses: ["30.0.0.0/8"] },
            { name: "pool3", addresses: ["40.0.0.0/8"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:428 TestParse "ip address pool with duplicate namespace selection" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16", "10.50.0.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:458 TestParse "ip address pool with duplicate namespace selectors" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16", "10.50.0.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:492 TestParse "ip address pool with service selection" (its pools)',
        pools: [
            { name: "pool1", addresses: ["30.0.0.0/8"] },
            { name: "pool2", addresses: ["40.0.0.0/8"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:543 TestParse "ip address pool with duplicate service selection" (its pools)',
        pools: [{ name: "pool1", addresses: ["30.0.0.0/8"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:569 TestParse "ip address pool with namespace and service selection" (its pools)',
        pools: [
            { name: "pool1", addresses: ["30.0.0.0/8"] },
            { name: "pool2", addresses: ["40.0.0.0/8"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:638 TestParse "ip address pool with only priority" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16", "10.50.0.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1115 TestParse "no pool name" (its pools)',
        pools: [{ name: "", addresses: [] }],
        metallb: { error: "parsing address pool : missing pool name" },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1123 TestParse "address pool with no address" (its pools)',
        pools: [{ name: "pool1", addresses: [] }],
        metallb: { error: "parsing address pool pool1: pool has no prefixes defined" },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1134 TestParse "address pool with no protocol" (its pools)',
        pools: [{ name: "pool1", addresses: [] }],
        metallb: { error: "parsing address pool pool1: pool has no prefixes defined" },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1144 TestParse "invalid pool CIDR" (its pools)',
        pools: [{ name: "pool1", addresses: ["100.200.300.400/24"] }],
        metallb: {
            error: 'parsing address pool pool1: invalid CIDR "100.200.300.400/24" in pool "pool1": invalid CIDR "100.200.300.400/24"',
        },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1159 TestParse "invalid pool CIDR prefix length" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/33"] }],
        metallb: {
            error: 'parsing address pool pool1: invalid CIDR "1.2.3.0/33" in pool "pool1": invalid CIDR "1.2.3.0/33"',
        },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1174 TestParse "invalid pool CIDR, first address of the range is after the second" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.10-1.2.3.1"] }],
        metallb: {
            error: 'parsing address pool pool1: invalid CIDR "1.2.3.10-1.2.3.1" in pool "pool1": invalid IP range "1.2.3.10-1.2.3.1": start IP "1.2.3.10" is after the end IP "1.2.3.1"',
        },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1189 TestParse "simple advertisement" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1231 TestParse "advertisement with default BGP settings" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1273 TestParse "bad aggregation length (too long)" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.10-1.2.3.1"] }],
        metallb: {
            error: 'parsing address pool pool1: invalid CIDR "1.2.3.10-1.2.3.1" in pool "pool1": invalid IP range "1.2.3.10-1.2.3.1": start IP "1.2.3.10" is after the end IP "1.2.3.1"',
        },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1295 TestParse "bad aggregation length (incompatible with CIDR)" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.30.40/24", "1.2.3.0/28"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1318 TestParse "different local pref - same peers and nodes" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.30.40/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1357 TestParse "different local pref - different ipv4 aggregation length" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.30.40/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1427 TestParse "different local pref - different aggregation lengths" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.30.40/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1497 TestParse "different local pref - same peers & different nodes" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.30.40/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1577 TestParse "different local pref - different peers & same nodes" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.30.40/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1649 TestParse "aggregation length by range" (its pools)',
        pools: [{ name: "pool1", addresses: ["3.3.3.2-3.3.3.254"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1704 TestParse "aggregation length by range, too wide" (its pools)',
        pools: [{ name: "pool1", addresses: ["3.3.3.2-3.3.3.254"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:1973 TestParse "duplicate pool definition" (its pools)',
        pools: [
            { name: "pool1", addresses: [] },
            { name: "pool2", addresses: [] },
            { name: "pool1", addresses: [] },
        ],
        metallb: { error: "parsing address pool pool1: pool has no prefixes defined" },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:1992 TestParse "duplicate CIDRs" (its pools)',
        pools: [
            { name: "pool1", addresses: [" 10.0.0.0/8"] },
            { name: "pool2", addresses: [" 10.0.0.0/8"] },
        ],
        metallb: {
            error: 'parsing address pool pool1: invalid CIDR " 10.0.0.0/8" in pool "pool1": invalid CIDR " 10.0.0.0/8"',
        },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:2015 TestParse "overlapping CIDRs" (its pools)',
        pools: [
            { name: "pool1", addresses: [" 10.0.0.0/8"] },
            { name: "pool2", addresses: ["10.0.0.0/16"] },
        ],
        metallb: {
            error: 'parsing address pool pool1: invalid CIDR " 10.0.0.0/8" in pool "pool1": invalid CIDR " 10.0.0.0/8"',
        },
        pack: "rejects",
    },
    {
        source: 'internal/config/config_test.go:2038 TestParse "Session with default BFD Profile" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2230 TestParse "Peer with non existing BFD Profile" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2264 TestParse "Multiple BFD Profiles with the same name" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2298 TestParse "Session with nondefault BFD Profile" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2401 TestParse "Session with ipv6 and bfd echo mode" (its pools)',
        pools: [{ name: "pool1", addresses: ["fc00:f853:0ccd:e793::/64"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2459 TestParse "Session with ipv4 and bfd echo mode" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2541 TestParse "config IPAddressPool with large communities CR" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16", "10.50.0.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2676 TestParse "use ip pool selectors" (its pools)',
        pools: [
            { name: "pool1", addresses: ["10.20.0.0/16"] },
            { name: "pool2", addresses: ["30.0.0.0/16"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2796 TestParse "specify interfaces" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2847 TestParse "use duplicate match labels in ip pool selectors - in BGP adv" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2888 TestParse "use duplicate match expression in ip pool selector - in BGP adv" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2928 TestParse "use duplicate ip pool selectors - in L2 adv" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:2967 TestParse "use non existent label for ip pool selectors" (its pools)',
        pools: [
            { name: "pool1", addresses: ["10.20.0.0/16"] },
            { name: "pool2", addresses: ["30.0.0.0/16"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:3066 TestParse "use node selectors" (its pools)',
        pools: [
            { name: "pool1", addresses: ["10.20.0.0/16"] },
            { name: "pool2", addresses: ["30.0.0.0/16"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:3200 TestParse "use duplicate match labels in node selectors" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:3278 TestParse "use duplicate match expression values in node selector" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:3359 TestParse "no nodes means all nodes" (its pools)',
        pools: [{ name: "pool1", addresses: ["10.20.0.0/16"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'internal/config/config_test.go:3437 TestParse "advertisement with peer selector" (its pools)',
        pools: [{ name: "pool1", addresses: ["1.2.3.0/24"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize overlapping addresses in two AddressPools", first pool',
        pools: [{ name: "webhooks-test1", addresses: ["1.1.1.1-1.1.1.100"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize overlapping addresses in two AddressPools", overlapping range',
        pools: [
            { name: "webhooks-test1", addresses: ["1.1.1.1-1.1.1.100"] },
            { name: "webhooks-test2", addresses: ["1.1.1.15-1.1.1.20"] },
        ],
        metallb: {
            error: 'CIDR "1.1.1.15/32" in pool "webhooks-test2" overlaps with already defined CIDR "1.1.1.8/29"',
        },
        pack: "rejects",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize overlapping addresses in two AddressPools", second valid pool',
        pools: [
            { name: "webhooks-test1", addresses: ["1.1.1.1-1.1.1.100"] },
            { name: "webhooks-test2", addresses: ["1.1.1.101-1.1.1.200"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize overlapping addresses in two AddressPools", overlapping prefix',
        pools: [
            { name: "webhooks-test1", addresses: ["1.1.1.1-1.1.1.100"] },
            { name: "webhooks-test2", addresses: ["1.1.1.0/24"] },
        ],
        metallb: {
            error: 'CIDR "1.1.1.0/24" in pool "webhooks-test2" overlaps with already defined CIDR "1.1.1.1/32"',
        },
        pack: "rejects",
    },
    {
        source: 'e2etest/webhookstests/webhooks.go "Should recognize invalid AggregationLength" (its pool)',
        pools: [{ name: "pool-webhooks-test", addresses: ["1.1.1.0/28"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: "probe: the seed: a reserved /32 inside the general range",
        pools: [
            { name: "homelab-pool", addresses: ["192.168.1.200-192.168.1.250"] },
            { name: "ingress-pool", addresses: ["192.168.1.249/32"] },
        ],
        metallb: {
            error: 'CIDR "192.168.1.249/32" in pool "ingress-pool" overlaps with already defined CIDR "192.168.1.248/31"',
        },
        pack: "rejects",
    },
    {
        source: "probe: the homelab's split pools",
        pools: [
            { name: "homelab-pool", addresses: ["192.168.1.200-192.168.1.248", "192.168.1.250/32"] },
            { name: "ingress-pool", addresses: ["192.168.1.249/32"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: "probe: host bits: 192.168.1.249/29 is read as 192.168.1.248/29 and overlaps",
        pools: [
            { name: "homelab-pool", addresses: ["192.168.1.249/29"] },
            { name: "ingress-pool", addresses: ["192.168.1.249/32"] },
        ],
        metallb: {
            error: 'CIDR "192.168.1.249/32" in pool "ingress-pool" overlaps with already defined CIDR "192.168.1.248/29"',
        },
        pack: "rejects",
    },
    {
        source: "probe: host bits: two entries read as the same block",
        pools: [
            { name: "a", addresses: ["10.0.0.1/24"] },
            { name: "b", addresses: ["10.0.0.2/24"] },
        ],
        metallb: { error: 'CIDR "10.0.0.0/24" in pool "b" overlaps with already defined CIDR "10.0.0.0/24"' },
        pack: "rejects",
    },
    {
        source: "probe: IPv6 host bits overlapping a /128",
        pools: [
            { name: "a", addresses: ["fd00::1/120"] },
            { name: "b", addresses: ["fd00::ff/128"] },
        ],
        metallb: { error: 'CIDR "fd00::ff/128" in pool "b" overlaps with already defined CIDR "fd00::/120"' },
        pack: "rejects",
    },
    {
        source: "probe: an IPv4 /32 inside an IPv4-mapped /120, the mapped pool first",
        pools: [
            { name: "a", addresses: ["::ffff:10.0.0.0/120"] },
            { name: "b", addresses: ["10.0.0.5/32"] },
        ],
        metallb: "accepted",
        pack: "rejects",
        difference:
            "MetalLB misses this overlap: cidrContainsCIDR compares the 120 ones of the IPv4-mapped mask with an IPv4 prefix length, so neither CIDR 'contains' the other. Its allocator keys addresses by their IPv4 string and would hand one address out from both pools, so the pack reports the overlap.",
    },
    {
        source: "probe: an IPv4 /32 inside an IPv4-mapped /120, the IPv4 pool first",
        pools: [
            { name: "a", addresses: ["10.0.0.5/32"] },
            { name: "b", addresses: ["::ffff:10.0.0.0/120"] },
        ],
        metallb: "accepted",
        pack: "rejects",
        difference:
            "MetalLB misses this overlap: cidrContainsCIDR compares the 120 ones of the IPv4-mapped mask with an IPv4 prefix length, so neither CIDR 'contains' the other. Its allocator keys addresses by their IPv4 string and would hand one address out from both pools, so the pack reports the overlap.",
    },
    {
        source: "probe: an IPv4 range inside an IPv4-mapped /120",
        pools: [
            { name: "a", addresses: ["::ffff:10.0.0.0/120"] },
            { name: "b", addresses: ["10.0.0.5-10.0.0.9"] },
        ],
        metallb: "accepted",
        pack: "rejects",
        difference:
            "MetalLB misses this overlap: cidrContainsCIDR compares the 120 ones of the IPv4-mapped mask with an IPv4 prefix length, so neither CIDR 'contains' the other. Its allocator keys addresses by their IPv4 string and would hand one address out from both pools, so the pack reports the overlap.",
    },
    {
        source: "probe: an IPv4-mapped /120 and the same block in IPv4",
        pools: [
            { name: "a", addresses: ["::ffff:10.0.0.0/120"] },
            { name: "b", addresses: ["10.0.0.0/24"] },
        ],
        metallb: { error: 'CIDR "10.0.0.0/24" in pool "b" overlaps with already defined CIDR "10.0.0.0/24"' },
        pack: "rejects",
    },
    {
        source: "probe: an IPv4-mapped /128 inside an IPv4 /24",
        pools: [
            { name: "a", addresses: ["10.0.0.0/24"] },
            { name: "b", addresses: ["::ffff:10.0.0.5/128"] },
        ],
        metallb: { error: 'CIDR "10.0.0.5/32" in pool "b" overlaps with already defined CIDR "10.0.0.0/24"' },
        pack: "rejects",
    },
    {
        source: "probe: an IPv4-mapped /120 inside an IPv4 /16",
        pools: [
            { name: "a", addresses: ["10.0.0.0/16"] },
            { name: "b", addresses: ["::ffff:10.0.1.0/120"] },
        ],
        metallb: { error: 'CIDR "10.0.1.0/24" in pool "b" overlaps with already defined CIDR "10.0.0.0/16"' },
        pack: "rejects",
    },
    {
        source: "probe: an IPv4-mapped range against an IPv4 /32 (ranges are summarized as IPv4)",
        pools: [
            { name: "a", addresses: ["::ffff:10.0.0.0-::ffff:10.0.0.255"] },
            { name: "b", addresses: ["10.0.0.5/32"] },
        ],
        metallb: { error: 'CIDR "10.0.0.5/32" in pool "b" overlaps with already defined CIDR "10.0.0.0/24"' },
        pack: "rejects",
    },
    {
        source: "probe: two IPv4-mapped CIDRs",
        pools: [
            { name: "a", addresses: ["::ffff:10.0.0.0/120"] },
            { name: "b", addresses: ["::ffff:10.0.0.5/128"] },
        ],
        metallb: { error: 'CIDR "10.0.0.5/32" in pool "b" overlaps with already defined CIDR "10.0.0.0/24"' },
        pack: "rejects",
    },
    {
        source: "probe: an IPv4-mapped address with a /95 prefix is an IPv6 block, beside IPv4",
        pools: [
            { name: "a", addresses: ["::ffff:192.168.1.0/95"] },
            { name: "b", addresses: ["192.168.1.0/24"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: "probe: a /32 and the single-address range a-a",
        pools: [
            { name: "a", addresses: ["10.0.0.5/32"] },
            { name: "b", addresses: ["10.0.0.5-10.0.0.5"] },
        ],
        metallb: { error: 'CIDR "10.0.0.5/32" in pool "b" overlaps with already defined CIDR "10.0.0.5/32"' },
        pack: "rejects",
    },
    {
        source: "probe: one pool listing an address twice",
        pools: [{ name: "twice", addresses: ["10.0.0.0/24", "10.0.0.128-10.0.0.200"] }],
        metallb: {
            error: 'CIDR "10.0.0.128/26" in pool "twice" overlaps with already defined CIDR "10.0.0.0/24"',
        },
        pack: "rejects",
    },
    {
        source: "probe: a range written with spaces overlapping a /32",
        pools: [
            { name: "a", addresses: ["192.168.1.200 - 192.168.1.250"] },
            { name: "b", addresses: ["192.168.1.249/32"] },
        ],
        metallb: {
            error: 'CIDR "192.168.1.249/32" in pool "b" overlaps with already defined CIDR "192.168.1.248/31"',
        },
        pack: "rejects",
    },
    {
        source: "probe: IPv4 and IPv6 pools side by side",
        pools: [
            { name: "v4", addresses: ["192.168.1.0/24"] },
            { name: "v6", addresses: ["fd00::/64"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: "probe: a mixed-family range reads nothing, so it overlaps nothing",
        pools: [
            { name: "a", addresses: ["10.0.0.1-fd00::1"] },
            { name: "b", addresses: ["10.0.0.1/32"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: "probe: a pool whose only entry is a mixed-family range",
        pools: [{ name: "a", addresses: ["10.0.0.1-fd00::1"] }],
        metallb: "accepted",
        pack: "accepts",
    },
    {
        source: "probe: a pool with no addresses",
        pools: [{ name: "empty", addresses: [] }],
        metallb: { error: "parsing address pool empty: pool has no prefixes defined" },
        pack: "rejects",
    },
    {
        source: "probe: two pools with one name",
        pools: [
            { name: "a", addresses: ["10.0.0.1/32"] },
            { name: "a", addresses: ["10.0.0.2/32"] },
        ],
        metallb: { error: 'duplicate definition of pool "a"' },
        pack: "rejects",
    },
    {
        source: "probe: a CIDR with a trailing space beside a valid pool",
        pools: [
            { name: "a", addresses: ["10.0.0.0/24"] },
            { name: "b", addresses: ["10.0.1.0/24 "] },
        ],
        metallb: {
            error: 'parsing address pool b: invalid CIDR "10.0.1.0/24 " in pool "b": invalid CIDR "10.0.1.0/24 "',
        },
        pack: "rejects",
    },
    {
        source: "probe: a reversed range beside a valid pool",
        pools: [
            { name: "a", addresses: ["10.0.0.0/24"] },
            { name: "b", addresses: ["10.0.1.9-10.0.1.1"] },
        ],
        metallb: {
            error: 'parsing address pool b: invalid CIDR "10.0.1.9-10.0.1.1" in pool "b": invalid IP range "10.0.1.9-10.0.1.1": start IP "10.0.1.9" is after the end IP "10.0.1.1"',
        },
        pack: "rejects",
    },
    {
        source: "probe: adjacent IPv6 ranges",
        pools: [
            { name: "a", addresses: ["fd00::-fd00::ff"] },
            { name: "b", addresses: ["fd00::100/120"] },
        ],
        metallb: "accepted",
        pack: "accepts",
    },
];
