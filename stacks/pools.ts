// Computes the MetalLB pool layout from the general range and the reservations.

import { readPoolEntry } from "./metallbAddresses";
import { formatAddressRange, formatIp, parseIp, subtractAddresses, IpAddress } from "./network";
import { PoolLayout, Reservation } from "./settings";

/**
 * Splits the general range around every reserved address and gives each reservation a pool of its
 * own. MetalLB rejects overlapping pools, so the general pool must not contain a reserved IP; and
 * requesting an IP ignores `autoAssign`, so a reserved IP left in an auto-assign pool could be
 * handed to any other LoadBalancer Service first.
 *
 * Inputs must already be valid (see validateSettings); invalid ones throw.
 */
export function planPools(
    generalPoolName: string,
    generalRange: string,
    reservations: Reservation[],
): PoolLayout {
    const reading = readPoolEntry(generalRange);
    if (!reading.accepted || !reading.range || reading.differences.length > 0) {
        throw new Error(
            `general range "${generalRange}" is not a CIDR or start-end range MetalLB reads as written`,
        );
    }
    const range = reading.range;
    const reserved = reservations.map((reservation) => {
        const address = parseIp(reservation.address);
        if (!address) {
            throw new Error(`reserved address "${reservation.address}" is not an IP address`);
        }
        return { reservation, address };
    });
    const pieces = subtractAddresses(
        range,
        reserved.map((entry): IpAddress => entry.address),
    );
    return {
        generalPool: { name: generalPoolName, addresses: pieces.map(formatAddressRange) },
        reservedPools: reserved.map(({ reservation, address }) => ({
            name: reservation.pool,
            address: formatIp(address.family, address.value),
            addresses: [
                formatAddressRange({ family: address.family, first: address.value, last: address.value }),
            ],
        })),
    };
}
