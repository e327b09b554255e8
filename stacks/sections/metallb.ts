// `metallb`: the chart, the general pool's range read as MetalLB reads a pool entry, and the
// reservations carved out of it.

import { IpRange, parseIp } from "../../lib/addresses/ip";
import { formatAddressRange, rangeContains, rangeCovers, rangeSize } from "../../lib/addresses/ranges";
import { describeEntryProblem, readPoolEntry } from "../../lib/metallb/poolEntry";
import { Problems } from "../problems";
import { Reader } from "../reader";
import { MetallbSettings } from "../settings";
import { readChart } from "./charts";

export function readMetallb(
    problems: Problems,
    raw: unknown,
    charts: Reader,
    lan: IpRange | undefined,
): { settings: MetallbSettings; generalRange?: IpRange } {
    const reader = Reader.of(problems, "metallb", raw);
    const generalPool = reader.object("generalPool");
    // Any string goes to the pool-entry parser, the empty one included, so it is refused in MetalLB's terms.
    const writtenRange = generalPool.peek("addresses");
    const settings: MetallbSettings = {
        namespace: reader.name("namespace"),
        releaseName: reader.name("releaseName"),
        ...readChart(charts, "metallb"),
        generalPoolName: generalPool.name("name"),
        generalRange: typeof writtenRange === "string" ? writtenRange : generalPool.string("addresses"),
        reservations: [],
        l2AdvertisementName: reader.name("l2AdvertisementName"),
    };
    const rangePath = generalPool.pathOf("addresses");
    let generalRange: IpRange | undefined;
    if (typeof writtenRange === "string") {
        // Read as MetalLB reads a pool entry; one that MetalLB rejects, or reads otherwise than
        // written, is refused with the words the policy pack uses.
        const reading = readPoolEntry(settings.generalRange);
        const problem = describeEntryProblem(reading);
        if (problem !== undefined) {
            problems.invalid(rangePath, settings.generalRange, problem);
        } else if (reading.accepted && reading.range) {
            generalRange = reading.range;
            if (lan && !rangeCovers(lan, generalRange)) {
                problems.invalid(
                    rangePath,
                    settings.generalRange,
                    `is not inside network.lanCidr "${formatAddressRange(lan)}"`,
                );
            }
        }
    }
    const seenAddresses = new Map<string, string>();
    const seenPools = new Map<string, string>([[settings.generalPoolName, generalPool.pathOf("name")]]);
    for (const { path, value } of reader.list("reservations")) {
        const entry = Reader.of(problems, path, value);
        const reservation = { pool: entry.name("pool"), address: entry.string("address") };
        settings.reservations.push(reservation);
        const poolOwner = seenPools.get(reservation.pool);
        if (reservation.pool !== "" && poolOwner) {
            problems.invalid(entry.pathOf("pool"), reservation.pool, `is already used by ${poolOwner}`);
        }
        seenPools.set(reservation.pool, entry.pathOf("pool"));
        if (reservation.address === "") {
            continue;
        }
        const address = parseIp(reservation.address);
        const addressPath = entry.pathOf("address");
        if (!address) {
            problems.invalid(addressPath, reservation.address, "is not an IP address");
            continue;
        }
        const key = `${address.family}:${address.value}`;
        const addressOwner = seenAddresses.get(key);
        if (addressOwner) {
            problems.invalid(addressPath, reservation.address, `is already reserved by ${addressOwner}`);
        }
        seenAddresses.set(key, addressPath);
        if (
            lan &&
            lan.family === address.family &&
            (address.value === lan.first || address.value === lan.last)
        ) {
            const which = address.value === lan.first ? "network" : "broadcast";
            problems.invalid(
                addressPath,
                reservation.address,
                `is the ${which} address of network.lanCidr "${formatAddressRange(lan)}": no host on the LAN can reach a Service there`,
            );
        }
        if (generalRange && !rangeContains(generalRange, address)) {
            problems.invalid(
                addressPath,
                reservation.address,
                `is outside ${rangePath} "${settings.generalRange}": a reservation is carved out of the general range`,
            );
        }
    }
    if (generalRange) {
        const reservedInside = [...seenAddresses.keys()].filter((key) => {
            const [family, value] = key.split(":");
            return (
                Number(family) === generalRange.family &&
                rangeContains(generalRange, { family: generalRange.family, value: BigInt(value) })
            );
        }).length;
        if (BigInt(reservedInside) === rangeSize(generalRange)) {
            problems.invalid(
                rangePath,
                settings.generalRange,
                "leaves no address for the general pool once metallb.reservations are cut out: MetalLB refuses a pool without addresses",
            );
        }
    }
    return { settings, generalRange };
}
