import { ResourceValidationPolicy } from "@pulumi/policy";
import { readHelmInstalls } from "../support/helmCharts";
import { describe, kindKeyOf, kinds, readObject } from "../support/kubernetes";
import { isUnknown, stringAt } from "../support/plainValues";
import { podContainers, podSpecOf, workloadKinds } from "../support/workloads";

const retiredImages = ["registry.k8s.io/ingress-nginx/controller", "k8s.gcr.io/ingress-nginx/controller"];
const retirement =
    "the community ingress-nginx project is retired (final release 2026-03: chart 4.15.1, controller 1.15.1; no " +
    "further fixes, security fixes included). Plan the move to F5's NGINX Ingress Controller (chart nginx-ingress) " +
    "or a Gateway API implementation.";

/**
 * community-ingress-nginx-is-retired (advisory, severity medium)
 *
 * The community `ingress-nginx` chart and controller image get no more releases. Advisory: existing
 * Ingresses keep working on the final release while they are moved over, and the retirement stays
 * visible on every preview.
 */
export const communityIngressNginxIsRetired: ResourceValidationPolicy = {
    name: "community-ingress-nginx-is-retired",
    description: "The community ingress-nginx chart and controller are retired.",
    enforcementLevel: "advisory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        const key = kindKeyOf(args.type);
        if (
            key === undefined ||
            !(key === kinds.helmRelease || key === kinds.helmChart || workloadKinds.includes(key))
        ) {
            return;
        }
        const object = readObject(args);
        if (!object) {
            return;
        }
        if (key === kinds.helmRelease || key === kinds.helmChart) {
            const [install] = readHelmInstalls([object], []);
            if (install.chart === "ingress-nginx") {
                reportViolation(
                    `${install.description} installs the community ingress-nginx chart: ${retirement}`,
                );
            }
            return;
        }
        for (const { label, container } of podContainers(podSpecOf(object))) {
            const image = stringAt(container, "image");
            if (
                typeof image === "string" &&
                !isUnknown(image) &&
                retiredImages.some(
                    (prefix) =>
                        image.startsWith(`${prefix}:`) || image.startsWith(`${prefix}@`) || image === prefix,
                )
            ) {
                reportViolation(
                    `${describe(object)} ${label} runs ${image}, the community ingress-nginx controller: ${retirement}`,
                );
            }
        }
    },
};
