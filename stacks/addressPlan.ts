// The LAN as a stack's settings divide it: MetalLB's pools (the general pool split around the
// reserved addresses) and what is left to the LAN's hosts. The address map (cli/addressMap.ts)
// draws it; the stack publishes it as its `addressPlan` output. Pure: no Pulumi, no Kubernetes client.

import { IpRange, parseCidr } from "../lib/addresses/ip";
import { readPoolEntry } from "../lib/metallb/poolEntry";
import { planPools } from "../lib/metallb/poolLayout";
import { StackSettings } from "./settings";

/** A pool as the stack declares it. */
export interface PlannedPool {
    name: string;
    autoAssign: boolean;
    ranges: IpRange[];
    /** Who a reserved pool is for, e.g. `ingress release ingress-nginx/ingress-nginx`. */
    reservedFor?: string;
}

/** The LAN as the settings divide it: its range and MetalLB's pools in it (the address map's plan). */
export interface LanAddressPlan {
    lanCidr: string;
    lan: IpRange;
    pools: PlannedPool[];
}

/** The plan of a validated stack: the general pool split around the reservations, as declared. */
export function addressPlanOf(settings: StackSettings): LanAddressPlan {
    const lan = parseCidr(settings.network.lanCidr);
    if (!lan) {
        throw new Error(
            `network.lanCidr "${settings.network.lanCidr}" is not a CIDR (validate the settings first)`,
        );
    }
    const ranges = (addresses: string[]) =>
        addresses.map((text) => {
            const reading = readPoolEntry(text);
            if (!reading.accepted || !reading.range) {
                throw new Error(`pool address "${text}" is not a range (validate the settings first)`);
            }
            return reading.range;
        });
    const ingress = settings.ingress;
    const pools = planPools(settings.metallb);
    return {
        lanCidr: settings.network.lanCidr,
        lan,
        pools: [
            {
                name: pools.generalPool.name,
                autoAssign: true,
                ranges: ranges(pools.generalPool.addresses),
            },
            ...pools.reservedPools.map((pool) => ({
                name: pool.name,
                autoAssign: false,
                ranges: ranges(pool.addresses),
                reservedFor:
                    pool.name === ingress.reservation
                        ? `ingress release ${ingress.namespace}/${ingress.releaseName}`
                        : undefined,
            })),
        ],
    };
}
