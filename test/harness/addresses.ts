// Addresses and ranges for tests, written as a person writes them and read as MetalLB reads a pool
// entry; a text that does not parse fails the test.

import * as assert from "assert";
import { IpAddress, IpRange, parseIp } from "../../lib/addresses/ip";
import { readPoolEntry } from "../../lib/metallb/poolEntry";

/** `192.168.1.200-192.168.1.250` or `10.0.0.0/24` as a range. */
export function range(text: string): IpRange {
    const reading = readPoolEntry(text);
    assert.ok(reading.accepted && reading.range, `${text} should parse`);
    return reading.range;
}

/** `192.168.1.249` or `fd00::1` as an address. */
export function ip(text: string): IpAddress {
    const parsed = parseIp(text);
    assert.ok(parsed, `${text} should parse`);
    return parsed;
}
