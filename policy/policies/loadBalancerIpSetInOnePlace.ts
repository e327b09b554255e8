import { ResourceValidationPolicy } from "@pulumi/policy";
import { readOwnRequest } from "../support/loadBalancerRequests";

/**
 * loadbalancer-ip-set-in-one-place (mandatory, severity medium)
 *
 * MetalLB refuses to assign an address to a Service that sets both the deprecated
 * `spec.loadBalancerIP` and a `loadBalancerIPs` annotation, so the Service stays pending. The
 * same holds for an ingress chart's `controller.service` values, which become that Service.
 */
export const loadBalancerIpSetInOnePlace: ResourceValidationPolicy = {
    name: "loadbalancer-ip-set-in-one-place",
    description: "A Service must not set both spec.loadBalancerIP and a MetalLB loadBalancerIPs annotation.",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        const request = readOwnRequest(args);
        if (!request || request.specLoadBalancerIp === undefined || request.addressAnnotations.length === 0) {
            return;
        }
        const annotation = request.addressAnnotations[0];
        reportViolation(
            `${request.description} sets both ${request.specFieldPath} "${request.specLoadBalancerIp}" and ` +
                `${request.annotationSource(annotation.key)} "${annotation.value}": MetalLB refuses to assign an address ` +
                `to a Service that sets both, so it stays pending. Remove ${request.specFieldPath} and keep the annotation.`,
        );
    },
};
