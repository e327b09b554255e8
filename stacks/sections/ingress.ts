// `ingress`: which controller chart, its release, and the reservation its Service takes.

import type { IngressSettings } from "../../components/ingress";
import { Problems } from "../problems";
import { Reader } from "../reader";
import { IngressController } from "../settings";
import { readChart } from "./charts";

const ingressControllers: IngressController[] = ["ingress-nginx", "nginx-ingress"];

/** The ingress settings; `reservedAddress` stays empty until the reservation is looked up. */
export function readIngress(problems: Problems, raw: unknown, charts: Reader): IngressSettings {
    const reader = Reader.of(problems, "ingress", raw);
    const controller = reader.oneOf("controller", ingressControllers);
    return {
        controller,
        namespace: reader.name("namespace"),
        releaseName: reader.name("releaseName"),
        ...readChart(charts, ingressControllers.includes(controller) ? controller : "ingress-nginx"),
        reservation: reader.name("reservation"),
        ingressClassName: reader.name("ingressClassName"),
        externalTrafficPolicy: reader.oneOf("externalTrafficPolicy", ["Cluster", "Local"] as const),
        reservedAddress: "",
    };
}
