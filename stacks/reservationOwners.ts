// The Service each reserved MetalLB pool is for, where the settings say it: the ingress
// controller's Service for `ingress.reservation`. MetalLB's `serviceAllocation` on the pool and the
// admission guard both keep the pool for it.

import { ingressServiceLabels } from "../components/ingress";
import { StackSettings } from "./settings";

export interface ReservationOwner {
    pool: string;
    namespace: string;
    /** The labels the Service carries, which the pool's serviceSelector matches. */
    labels: Record<string, string>;
}

export function reservationOwnersOf(settings: StackSettings): ReservationOwner[] {
    const { ingress } = settings;
    return [
        { pool: ingress.reservation, namespace: ingress.namespace, labels: ingressServiceLabels(ingress) },
    ];
}
