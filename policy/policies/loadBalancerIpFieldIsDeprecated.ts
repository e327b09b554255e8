import { ResourceValidationPolicy } from "@pulumi/policy";
import { readOwnRequest } from "../support/loadBalancerRequests";
import { metallbAnnotations } from "../support/metallb";

/**
 * loadbalancer-ip-field-is-deprecated (advisory, severity low)
 *
 * `spec.loadBalancerIP` is deprecated since Kubernetes 1.24 and its meaning is implementation
 * specific; MetalLB reads the `metallb.io/loadBalancerIPs` annotation (comma-separated for dual
 * stack). The same goes for an ingress chart's `controller.service.loadBalancerIP` value.
 */
export const loadBalancerIpFieldIsDeprecated: ResourceValidationPolicy = {
    name: "loadbalancer-ip-field-is-deprecated",
    description:
        "Request LoadBalancer IPs with the metallb.io/loadBalancerIPs annotation, not spec.loadBalancerIP.",
    enforcementLevel: "advisory",
    severity: "low",
    validateResource: (args, reportViolation) => {
        const request = readOwnRequest(args);
        if (request?.specLoadBalancerIp === undefined) {
            return;
        }
        const annotation = metallbAnnotations.loadBalancerIps[0];
        reportViolation(
            `${request.description} sets ${request.specFieldPath} "${request.specLoadBalancerIp}", deprecated since ` +
                `Kubernetes 1.24: request the address with ${request.annotationSource(annotation)}: ` +
                `"${request.specLoadBalancerIp}" instead.`,
        );
    },
};
