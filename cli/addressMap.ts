// Which address of the LAN is whose: a stack's address plan (stacks/addressPlan.ts) and, when a
// cluster was read, what MetalLB actually allocated to which Service. Rendered as one table and a
// strip of one line per /24, for a terminal or a pull request comment: what `npm run addresses`
// prints, and the stack's `addressPlan` output. Pure: no Pulumi, no Kubernetes client.

import { formatIp, IpAddress, IpRange, parseIp } from "../lib/addresses/ip";
import { formatAddressRange } from "../lib/addresses/ranges";
import { allocatedFromPoolAnnotation } from "../lib/metallb/annotations";
import { readAddressRequest } from "../lib/metallb/serviceRequest";
import { LanAddressPlan, PlannedPool } from "../stacks/addressPlan";

/** What the cluster reports about one LoadBalancer Service. */
export interface ServiceAddresses {
    /** `namespace/name` */
    service: string;
    /** `status.loadBalancer.ingress[].ip` */
    addresses: string[];
    /** `metallb.io/ip-allocated-from-pool`: MetalLB sets it on the Services it gave addresses to. */
    allocatedFromPool?: string;
    /** Every requested address, wherever it is written (lib/metallb/serviceRequest.ts), each once. */
    requested: string[];
    /** `spec.loadBalancerClass`: set when another load-balancer implementation serves the Service. */
    loadBalancerClass?: string;
}

/** The fields of a Service object that serviceAddressesOf reads, as the API server returns them. */
export interface ServiceObject {
    metadata?: { namespace?: string; name?: string; annotations?: Record<string, string> };
    spec?: { type?: string; loadBalancerIP?: string; loadBalancerClass?: string };
    status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

export interface AddressRow {
    /** An address, a range (`a-b` or CIDR), or `-` for a Service that has none. */
    addresses: string;
    pool: string;
    holder: string;
    state: string;
    /** Needs a person: in use outside every pool, not where the plan puts it, or pending. */
    flagged: boolean;
}

export interface AddressMap {
    rows: AddressRow[];
    /** One line per /24 that holds a pool or an address in use; 4 addresses a character. */
    strip: string[];
    summary: string;
}

/** A LoadBalancer Service's addresses and requests; undefined for other Service types. */
export function serviceAddressesOf(service: ServiceObject): ServiceAddresses | undefined {
    if (service.spec?.type !== "LoadBalancer") {
        return undefined;
    }
    const annotations = service.metadata?.annotations ?? {};
    const request = readAddressRequest(annotations, service.spec.loadBalancerIP);
    return {
        service: `${service.metadata?.namespace ?? ""}/${service.metadata?.name ?? ""}`,
        addresses: (service.status?.loadBalancer?.ingress ?? []).flatMap((entry) =>
            entry.ip ? [entry.ip] : [],
        ),
        allocatedFromPool: annotations[allocatedFromPoolAnnotation],
        // Each requested value once, wherever it is written (MetalLB refuses a request written twice).
        requested: [...new Set((request?.written ?? []).map(({ text }) => text))],
        loadBalancerClass: service.spec.loadBalancerClass,
    };
}

/** A stretch of addresses with one owner in the plan: a pool, or the LAN's hosts (no pool). */
interface Segment {
    range: IpRange;
    pool?: PlannedPool;
}

/** One address in use, with every Service that holds it (sharing is allowed). */
interface AddressInUse {
    address: IpAddress;
    services: ServiceAddresses[];
}

function compareAddresses(
    a: { family: number; value: bigint },
    b: { family: number; value: bigint },
): number {
    if (a.family !== b.family) {
        return a.family - b.family;
    }
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function inRange(range: IpRange, address: IpAddress): boolean {
    return range.family === address.family && range.first <= address.value && address.value <= range.last;
}

/** The LAN cut into pool ranges and the stretches between them; pools outside the LAN follow. */
function segmentsOf(plan: LanAddressPlan): Segment[] {
    const poolSegments = plan.pools
        .flatMap((pool) => pool.ranges.map((range) => ({ range, pool })))
        .sort((a, b) =>
            compareAddresses({ ...a.range, value: a.range.first }, { ...b.range, value: b.range.first }),
        );
    const segments: Segment[] = [];
    let next = plan.lan.first;
    for (const segment of poolSegments) {
        const insideLan = segment.range.family === plan.lan.family && segment.range.first <= plan.lan.last;
        if (insideLan && segment.range.first > next) {
            segments.push({
                range: { family: plan.lan.family, first: next, last: segment.range.first - 1n },
            });
        }
        segments.push(segment);
        if (insideLan && segment.range.last + 1n > next) {
            next = segment.range.last + 1n;
        }
    }
    if (next <= plan.lan.last) {
        segments.push({ range: { family: plan.lan.family, first: next, last: plan.lan.last } });
    }
    return segments.sort((a, b) =>
        compareAddresses({ ...a.range, value: a.range.first }, { ...b.range, value: b.range.first }),
    );
}

function addressesInUse(services: ServiceAddresses[]): AddressInUse[] {
    const byAddress = new Map<string, AddressInUse>();
    for (const service of services) {
        for (const text of service.addresses) {
            const address = parseIp(text);
            if (!address) {
                continue;
            }
            const key = `${address.family}:${address.value}`;
            const entry = byAddress.get(key) ?? { address, services: [] };
            entry.services.push(service);
            byAddress.set(key, entry);
        }
    }
    return [...byAddress.values()].sort((a, b) => compareAddresses(a.address, b.address));
}

function count(size: bigint, noun: string): string {
    return `${size} ${noun}${size === 1n ? "" : "es"}`;
}

function holderOfPool(pool: PlannedPool): string {
    return pool.autoAssign ? "auto-assign" : (pool.reservedFor ?? "on request only");
}

/** The row of an address in use, and whether it is where the plan says it should be. */
function inUseRow(entry: AddressInUse, pool: PlannedPool | undefined): AddressRow {
    const holder = entry.services.map((service) => service.service).join(", ");
    const allocatedFrom = [...new Set(entry.services.map((service) => service.allocatedFromPool))];
    const otherClasses = entry.services.flatMap((service) =>
        service.loadBalancerClass ? [service.loadBalancerClass] : [],
    );
    const setBy =
        otherClasses.length > 0 ? `set by ${[...new Set(otherClasses)].join(", ")}` : "not from MetalLB";
    const row = {
        addresses: formatIp(entry.address.family, entry.address.value),
        pool: pool?.name ?? "-",
        holder,
    };
    if (allocatedFrom.some((name) => name === undefined)) {
        return pool
            ? { ...row, state: `in use, ${setBy}: MetalLB may hand it out again`, flagged: true }
            : { ...row, state: `in use outside every pool, ${setBy}`, flagged: true };
    }
    const from = allocatedFrom.join(", ");
    if (!pool) {
        return { ...row, state: `allocated from ${from}, outside every pool of the plan`, flagged: true };
    }
    if (from !== pool.name) {
        return { ...row, state: `allocated from ${from}; the plan puts it in ${pool.name}`, flagged: true };
    }
    return { ...row, state: `allocated from ${from}`, flagged: false };
}

/** Rows for the free stretches of a segment, between the addresses in use. */
function freeRow(range: IpRange, pool: PlannedPool | undefined, clusterRead: boolean): AddressRow {
    const size = range.last - range.first + 1n;
    const addresses = size === 1n ? formatIp(range.family, range.first) : formatAddressRange(range);
    if (!pool) {
        return {
            addresses,
            pool: "-",
            holder: "LAN hosts",
            state: `outside every pool (${count(size, "address")})`,
            flagged: false,
        };
    }
    const state = pool.autoAssign
        ? clusterRead
            ? `${size} free`
            : count(size, "address")
        : clusterRead
          ? "reserved, free"
          : "reserved";
    return { addresses, pool: pool.name, holder: holderOfPool(pool), state, flagged: false };
}

type CellKind =
    | "outside-lan"
    | "lan"
    | "pool-free"
    | "reserved-free"
    | "in-use"
    | "reserved-in-use"
    | "flagged";
/** Strip characters, highest precedence last: a cell shows the most telling of its 4 addresses. */
const cellCharacters: [CellKind, string][] = [
    ["outside-lan", " "],
    ["lan", "."],
    ["pool-free", "-"],
    ["reserved-free", "r"],
    ["in-use", "#"],
    ["reserved-in-use", "R"],
    ["flagged", "!"],
];
export const stripLegend =
    "4 addresses a character: ! flagged  R/r reserved, in use/free  #/- pool, in use/free  . LAN hosts";
const cellsPerLine = 64;
const maximumStripLines = 16;

/**
 * The address map: every stretch of the LAN and the pools as a row (split around each address in
 * use when the cluster was read), addresses in use outside the plan, and Services still waiting.
 * Without `services` it is the plan alone.
 */
export function mapAddresses(plan: LanAddressPlan, services?: ServiceAddresses[]): AddressMap {
    const clusterRead = services !== undefined;
    const segments = segmentsOf(plan);
    const inUse = addressesInUse(services ?? []);
    const placed = new Set<AddressInUse>();
    const rows: { key: { family: number; value: bigint }; row: AddressRow }[] = [];

    for (const segment of segments) {
        let next = segment.range.first;
        for (const entry of inUse.filter((candidate) => inRange(segment.range, candidate.address))) {
            if (entry.address.value > next) {
                const free = { family: segment.range.family, first: next, last: entry.address.value - 1n };
                rows.push({
                    key: { family: free.family, value: free.first },
                    row: freeRow(free, segment.pool, clusterRead),
                });
            }
            rows.push({ key: entry.address, row: inUseRow(entry, segment.pool) });
            placed.add(entry);
            next = entry.address.value + 1n;
        }
        if (next <= segment.range.last) {
            const free = { family: segment.range.family, first: next, last: segment.range.last };
            rows.push({
                key: { family: free.family, value: free.first },
                row: freeRow(free, segment.pool, clusterRead),
            });
        }
    }
    for (const entry of inUse.filter((candidate) => !placed.has(candidate))) {
        rows.push({ key: entry.address, row: inUseRow(entry, undefined) });
    }
    rows.sort((a, b) => compareAddresses(a.key, b.key));

    const pending = (services ?? [])
        .filter((service) => service.addresses.length === 0)
        .map((service) => pendingRow(service, segments, inUse));
    const allRows = [...rows.map((entry) => entry.row), ...pending];

    return {
        rows: allRows,
        strip: stripOf(plan, segments, inUse, allRows),
        summary: summaryOf(plan, inUse, allRows, clusterRead),
    };
}

/** A Service MetalLB has not given an address (yet), and what stands in the way of its request. */
function pendingRow(service: ServiceAddresses, segments: Segment[], inUse: AddressInUse[]): AddressRow {
    const row = { holder: service.service, flagged: true };
    if (service.requested.length === 0) {
        return { ...row, addresses: "-", pool: "-", state: "pending" };
    }
    const obstacles = service.requested.map((text) => {
        const address = parseIp(text);
        if (!address) {
            return `${text} is not an address`;
        }
        const holders = inUse.find((entry) => compareAddresses(entry.address, address) === 0)?.services;
        if (holders) {
            return `held by ${holders.map((holder) => holder.service).join(", ")}`;
        }
        const pool = segments.find((segment) => inRange(segment.range, address))?.pool;
        return pool ? "" : "outside every pool";
    });
    const pools = service.requested.map((text) => {
        const address = parseIp(text);
        return (address && segments.find((segment) => inRange(segment.range, address))?.pool?.name) || "-";
    });
    const reasons = obstacles.filter((reason) => reason !== "");
    return {
        ...row,
        addresses: service.requested.join(", "),
        pool: [...new Set(pools)].join(", "),
        state: `requested, pending${reasons.length > 0 ? `: ${reasons.join("; ")}` : ""}`,
    };
}

function summaryOf(
    plan: LanAddressPlan,
    inUse: AddressInUse[],
    rows: AddressRow[],
    clusterRead: boolean,
): string {
    if (!clusterRead) {
        return "The plan alone: run with --cluster for what MetalLB allocated.";
    }
    const free = plan.pools.map((pool) => {
        const size = pool.ranges.reduce((total, range) => total + range.last - range.first + 1n, 0n);
        const used = inUse.filter((entry) =>
            pool.ranges.some((range) => inRange(range, entry.address)),
        ).length;
        return `${pool.name} ${size - BigInt(used)} of ${size}`;
    });
    const flagged = rows.filter((row) => row.flagged).length;
    return `Free: ${free.join(", ")}. ${flagged === 0 ? "Nothing flagged." : `${flagged} flagged (!).`}`;
}

/** The /24s worth a line: those holding a pool address or an address in use (IPv4 only). */
function stripBlocks(plan: LanAddressPlan, inUse: AddressInUse[]): bigint[] {
    const blocks = new Set<bigint>();
    for (const range of plan.pools.flatMap((pool) => pool.ranges).filter((entry) => entry.family === 4)) {
        for (let block = range.first >> 8n; block <= range.last >> 8n; block++) {
            blocks.add(block);
        }
    }
    for (const entry of inUse.filter((candidate) => candidate.address.family === 4)) {
        blocks.add(entry.address.value >> 8n);
    }
    return [...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function stripOf(
    plan: LanAddressPlan,
    segments: Segment[],
    inUse: AddressInUse[],
    rows: AddressRow[],
): string[] {
    const flaggedAddresses = new Set(rows.filter((row) => row.flagged).map((row) => row.addresses));
    const inUseByValue = new Map(
        inUse.filter((entry) => entry.address.family === 4).map((entry) => [entry.address.value, entry]),
    );
    const kindOf = (value: bigint): CellKind => {
        const address: IpAddress = { family: 4, value };
        const segment = segments.find((candidate) => inRange(candidate.range, address));
        if (inUseByValue.has(value)) {
            if (flaggedAddresses.has(formatIp(4, value))) {
                return "flagged";
            }
            return segment?.pool?.autoAssign === false ? "reserved-in-use" : "in-use";
        }
        if (segment?.pool) {
            return segment.pool.autoAssign ? "pool-free" : "reserved-free";
        }
        return inRange(plan.lan, address) ? "lan" : "outside-lan";
    };
    const rank = (kind: CellKind) => cellCharacters.findIndex(([candidate]) => candidate === kind);
    const blocks = stripBlocks(plan, inUse);
    const lines = blocks.slice(0, maximumStripLines).map((block) => {
        let cells = "";
        for (let cell = 0n; cell < BigInt(cellsPerLine); cell++) {
            let strongest: CellKind = "outside-lan";
            for (let offset = 0n; offset < 4n; offset++) {
                const kind = kindOf((block << 8n) + cell * 4n + offset);
                if (rank(kind) > rank(strongest)) {
                    strongest = kind;
                }
            }
            cells += cellCharacters[rank(strongest)][1];
        }
        return `${formatIp(4, block << 8n)}/24`.padEnd(20) + cells.trimEnd();
    });
    if (blocks.length > maximumStripLines) {
        lines.push(`... and ${blocks.length - maximumStripLines} more /24s`);
    }
    return lines;
}

/** The first line of the map of a stack, shared by `npm run addresses` and the stack output. */
export function addressMapTitle(stack: string, plan: LanAddressPlan): string {
    return `Addresses of stack ${stack}: LAN ${plan.lanCidr}`;
}

/** The table, the strip with its scale and legend, and the summary, as printed. */
export function renderAddressMap(map: AddressMap, title: string): string {
    const header: AddressRow = {
        addresses: "ADDRESSES",
        pool: "POOL",
        holder: "HOLDER",
        state: "STATE",
        flagged: false,
    };
    const table = [header, ...map.rows];
    const columns: (keyof Omit<AddressRow, "flagged">)[] = ["addresses", "pool", "holder"];
    const widths = columns.map((column) => Math.max(...table.map((row) => row[column].length)));
    const lines = [title, ""];
    for (const row of table) {
        const cells = columns.map((column, index) => row[column].padEnd(widths[index]));
        lines.push(`${row.flagged ? "!" : " "} ${[...cells, row.state].join("  ")}`.trimEnd());
    }
    if (map.strip.length > 0) {
        const scale = [".0", ".64", ".128", ".192"].map((label) => label.padEnd(16)).join("");
        lines.push("", `${"".padEnd(20)}${scale}`.trimEnd(), ...map.strip, stripLegend);
    }
    lines.push("", map.summary);
    return `${lines.join("\n")}\n`;
}
