// What a LoadBalancer Service asks of MetalLB: the addresses it requests, where each is written,
// the pool it pins and the key it shares addresses under. Read from the annotations in both
// spellings (lib/metallb/annotations.ts) and the deprecated `spec.loadBalancerIP`, every one of
// them: MetalLB refuses a Service that writes its request twice, so a reader that let the first
// spelling win would hide what MetalLB will refuse. The policy pack (with the sources named as its
// messages name them), the address map and the demo read requests here; the admission guard's CEL
// reads the same annotations (components/admissionRules/rules/loadBalancerAddresses.ts).

import { metallbAnnotations } from "./annotations";

export interface AnnotationUse {
    key: string;
    value: string;
}

/** One requested value as written, trimmed: in an annotation (its key) or in `spec.loadBalancerIP`. */
export interface WrittenRequest {
    text: string;
    field: string;
}

export const specLoadBalancerIpField = "spec.loadBalancerIP";

export interface AddressRequest {
    /** Every requested value: `spec.loadBalancerIP` first, then each annotation's, current spelling first. */
    written: WrittenRequest[];
    /** The `loadBalancerIPs` annotations set, current spelling first. */
    addressAnnotations: AnnotationUse[];
    /** `address-pool`, current spelling first. */
    pinnedPool?: AnnotationUse;
    /** `allow-shared-ip`, current spelling first. */
    sharingKey?: string;
}

function firstAnnotation(
    annotations: Record<string, string>,
    keys: readonly string[],
): AnnotationUse | undefined {
    const key = keys.find((candidate) => annotations[candidate] !== undefined);
    return key === undefined ? undefined : { key, value: annotations[key] };
}

/** The request of a LoadBalancer Service's annotations and spec; undefined when it requests nothing. */
export function readAddressRequest(
    annotations: Record<string, string>,
    specLoadBalancerIp: string | undefined,
): AddressRequest | undefined {
    const addressAnnotations = metallbAnnotations.loadBalancerIps
        .filter((key) => annotations[key] !== undefined)
        .map((key) => ({ key, value: annotations[key] }));
    const written = [
        ...(specLoadBalancerIp ? [{ text: specLoadBalancerIp, field: specLoadBalancerIpField }] : []),
        ...addressAnnotations.flatMap(({ key, value }) =>
            value.split(",").map((text) => ({ text, field: key })),
        ),
    ]
        .map(({ text, field }) => ({ text: text.trim(), field }))
        .filter(({ text }) => text !== "");
    const pinnedPool = firstAnnotation(annotations, metallbAnnotations.addressPool);
    if (written.length === 0 && !pinnedPool) {
        return undefined;
    }
    return {
        written,
        addressAnnotations,
        pinnedPool,
        sharingKey: firstAnnotation(annotations, metallbAnnotations.allowSharedIp)?.value,
    };
}
