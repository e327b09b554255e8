// The MetalLB pools a general range and its reservations make: the general pool with every
// reserved address cut out, and one pool per reserved address.

import { formatIp, IpAddress, parseIp, singleAddressRange } from "../addresses/ip";
import { formatAddressRange, subtractAddresses } from "../addresses/ranges";
import { readPoolEntry } from "./poolEntry";

/** A pool that holds exactly one reserved address, carved out of the general pool. */
export interface Reservation {
    /** Name of the dedicated IPAddressPool, e.g. `ingress-pool`. */
    pool: string;
    address: string;
}

/** The pools to declare: computed from the general range and the reservations, never typed twice. */
export interface PoolLayout {
    /** The auto-assign pool: its name and its `spec.addresses`. */
    generalPool: { name: string; addresses: string[] };
    /** One `autoAssign: false` pool per reservation: its name, its address and its `spec.addresses`. */
    reservedPools: { name: string; address: string; addresses: string[] }[];
}

/** What the layout is computed from: the general pool's name and range, and the reservations. */
export interface PoolPlan {
    generalPoolName: string;
    /** The general range as written (`a-b` or a CIDR), read as MetalLB reads a pool entry. */
    generalRange: string;
    reservations: Reservation[];
}

/**
 * Splits the general range around every reserved address and gives each reservation a pool of its
 * own. MetalLB rejects overlapping pools, so the general pool must not contain a reserved IP; and
 * requesting an IP ignores `autoAssign`, so a reserved IP left in an auto-assign pool could be
 * handed to any other LoadBalancer Service first.
 *
 * Inputs must already be valid (the settings validation checks them); invalid ones throw.
 */
export function planPools({ generalPoolName, generalRange, reservations }: PoolPlan): PoolLayout {
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
            addresses: [formatAddressRange(singleAddressRange(address))],
        })),
    };
}
