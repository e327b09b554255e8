// What a LoadBalancer Service requests of MetalLB, written every way it can be: one table of cases
// that lib/metallb/serviceRequest.ts (read by the pack and the address map) is held to in
// test/lib/metallb/serviceRequest.test.ts, and the admission guard's CEL on the real API server in
// test/integration/guardServiceRequest.test.ts. Each requested value is `text@field`.

export interface ServiceRequestCase {
    what: string;
    annotations: Record<string, string>;
    spec?: string;
    written: string[];
    pinned?: string;
    sharingKey?: string;
}

export const serviceRequestCases: ServiceRequestCase[] = [
    { what: "nothing asked", annotations: {}, written: [] },
    {
        what: "the current annotation, two addresses, spaces trimmed",
        annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249, 2001:db8::1" },
        written: ["192.168.1.249@metallb.io/loadBalancerIPs", "2001:db8::1@metallb.io/loadBalancerIPs"],
    },
    {
        what: "the deprecated spelling alone",
        annotations: { "metallb.universe.tf/loadBalancerIPs": "192.168.1.249" },
        written: ["192.168.1.249@metallb.universe.tf/loadBalancerIPs"],
    },
    {
        what: "both spellings and the spec field: every one, the spec field first",
        annotations: {
            "metallb.universe.tf/loadBalancerIPs": "192.168.1.248",
            "metallb.io/loadBalancerIPs": "192.168.1.249",
        },
        spec: "192.168.1.247",
        written: [
            "192.168.1.247@spec.loadBalancerIP",
            "192.168.1.249@metallb.io/loadBalancerIPs",
            "192.168.1.248@metallb.universe.tf/loadBalancerIPs",
        ],
    },
    {
        what: "the deprecated spec field alone",
        annotations: {},
        spec: "192.168.1.249",
        written: ["192.168.1.249@spec.loadBalancerIP"],
    },
    {
        what: "the deprecated pool spelling alone",
        annotations: { "metallb.universe.tf/address-pool": "ingress-pool" },
        written: [],
        pinned: "ingress-pool",
    },
    {
        what: "a pinned pool without an address, current spelling winning",
        annotations: { "metallb.universe.tf/address-pool": "old", "metallb.io/address-pool": "ingress-pool" },
        written: [],
        pinned: "ingress-pool",
    },
    {
        what: "empty entries dropped, a sharing key read",
        annotations: {
            "metallb.io/loadBalancerIPs": " ,192.168.1.249,",
            "metallb.io/allow-shared-ip": "edge",
        },
        written: ["192.168.1.249@metallb.io/loadBalancerIPs"],
        sharingKey: "edge",
    },
];
