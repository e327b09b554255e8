// `dnsProbe`: the image and resources of the Job that resolves the platform's service names.

import type { DnsProbeSettings } from "../../components/serviceDiscovery";
import { Problems } from "../problems";
import { Reader } from "../reader";
import { readContainerResources } from "./containerResources";

export function readDnsProbe(problems: Problems, raw: unknown): DnsProbeSettings {
    const reader = Reader.of(problems, "dnsProbe", raw);
    return {
        image: reader.string("image"),
        resources: readContainerResources(problems, reader, "resources", true),
    };
}
