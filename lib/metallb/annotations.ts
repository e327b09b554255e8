// The annotations MetalLB 0.15.2 reads on a Service, each in the current `metallb.io/` spelling
// first and then the deprecated `metallb.universe.tf/` one it still reads, and the one its
// controller writes. The stack, the admission guard, the pack, the address map and the local
// cluster's harness all spell them from here.

export const currentAnnotationPrefix = "metallb.io/";
export const deprecatedAnnotationPrefix = "metallb.universe.tf/";

const spellings = (name: string): readonly [string, string] => [
    `${currentAnnotationPrefix}${name}`,
    `${deprecatedAnnotationPrefix}${name}`,
];

/** What a Service asks of MetalLB: its addresses, the pool to take them from, the key to share them. */
export const metallbAnnotations = {
    loadBalancerIps: spellings("loadBalancerIPs"),
    addressPool: spellings("address-pool"),
    allowSharedIp: spellings("allow-shared-ip"),
};

/** Written by MetalLB's controller on a Service it gave an address: the pool the address came from. */
export const allocatedFromPoolAnnotation = `${currentAnnotationPrefix}ip-allocated-from-pool`;
