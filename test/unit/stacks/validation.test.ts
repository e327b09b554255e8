import * as assert from "assert";
import { planPools } from "../../../lib/metallb/poolLayout";
import { SettingsError } from "../../../stacks/problems";
import { RawSettings, validateSettings } from "../../../stacks/validation";
import { Editable, readStackConfig } from "../../harness/stackConfig";

/** Validates the homelab settings after `edit` and returns the problems (empty when valid). */
function problemsAfter(edit: (raw: Editable) => void): string[] {
    const raw = readStackConfig("homelab");
    edit(raw);
    try {
        validateSettings(raw as RawSettings);
        return [];
    } catch (error) {
        assert.ok(error instanceof SettingsError, String(error));
        return error.problems;
    }
}

describe("validateSettings", () => {
    it("accepts the homelab stack", () => {
        const homelab = validateSettings(readStackConfig("homelab"));
        assert.deepStrictEqual(planPools(homelab.metallb).generalPool.addresses, [
            "192.168.1.200-192.168.1.248",
            "192.168.1.250/32",
        ]);
        assert.strictEqual(homelab.ingress.reservedAddress, "192.168.1.249");
        assert.deepStrictEqual(homelab.metallb.chart, {
            kind: "repository",
            chart: "metallb",
            version: "0.15.2",
            repository: "https://metallb.github.io/metallb",
        });
        assert.strictEqual(homelab.skipAwait, false);
    });

    it("reports every problem at once, in one message", () => {
        const raw = readStackConfig("homelab") as Editable;
        raw.network.lanCidr = "192.168.1.0/33";
        raw.metallb.reservations[0].address = "192.168.1.300";
        assert.throws(() => validateSettings(raw), {
            name: "SettingsError",
            message:
                "Invalid stack settings (2 problems):\n" +
                '  - network.lanCidr: "192.168.1.0/33" is not a valid CIDR (network address / prefix length)\n' +
                '  - metallb.reservations[0].address: "192.168.1.300" is not an IP address',
        });
    });

    describe("network", () => {
        it("rejects malformed CIDRs", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.network.podCidr = "10.42.0.1/16";
                    raw.network.serviceCidr = "ten";
                }),
                [
                    'network.podCidr: "10.42.0.1/16" is not a valid CIDR (network address / prefix length)',
                    'network.serviceCidr: "ten" is not a valid CIDR (network address / prefix length)',
                ],
            );
        });

        it("rejects pod and service CIDRs that overlap the LAN or the pools", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    // Calico's quickstart default, which contains the whole LAN.
                    raw.network.podCidr = "192.168.0.0/16";
                }),
                [
                    'network.podCidr: "192.168.0.0/16" overlaps network.lanCidr "192.168.1.0/24": pod and service addresses must not shadow the home network (a common cause of in-cluster DNS timeouts)',
                    'network.podCidr: "192.168.0.0/16" overlaps metallb.generalPool.addresses "192.168.1.200-192.168.1.250"',
                ],
            );
        });

        it("rejects a service CIDR that overlaps the pod CIDR", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.network.serviceCidr = "10.42.128.0/17";
                }),
                ['network.serviceCidr: "10.42.128.0/17" overlaps network.podCidr "10.42.0.0/16"'],
            );
        });

        it("reads node addresses and ports, and refuses ones that are neither, or that lie in a pool or a cluster range", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.network.nodeAddresses = ["192.168.1.10", "node-1", "10.43.0.0/24", "192.168.1.220"];
                    raw.network.apiServerPort = 70000;
                    raw.network.nodePorts = [9100, "ssh"];
                }),
                [
                    'network.nodeAddresses[1]: "node-1" is not an IP address or a CIDR',
                    "network.apiServerPort: 70000 is not a port number (1-65535)",
                    'network.nodePorts[1]: "ssh" is not a port number (1-65535)',
                    'network.nodeAddresses[2]: "10.43.0.0/24" overlaps network.serviceCidr "10.43.0.0/16": a node\'s address is not a pod\'s or a Service\'s',
                    'network.nodeAddresses[3]: "192.168.1.220" overlaps metallb.generalPool.addresses "192.168.1.200-192.168.1.250": MetalLB would hand a node\'s own address to a Service',
                ],
            );
        });

        it("requires every field", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    delete raw.network.clusterDomain;
                }),
                ["network.clusterDomain is required (a string)"],
            );
        });
    });

    describe("metallb", () => {
        it("rejects a general range MetalLB would reject, with the reason the policy pack gives", () => {
            const problemFor = (addresses: string) =>
                problemsAfter((raw) => {
                    raw.metallb.generalPool.addresses = addresses;
                });
            assert.deepStrictEqual(problemFor("192.168.1.250-192.168.1.200"), [
                'metallb.generalPool.addresses: "192.168.1.250-192.168.1.200" is not an address range MetalLB reads: ' +
                    "it starts at 192.168.1.250, after its end 192.168.1.200",
            ]);
            assert.deepStrictEqual(problemFor("192.168.1.200"), [
                'metallb.generalPool.addresses: "192.168.1.200" is not an address range MetalLB reads: it is a single ' +
                    "address; MetalLB takes CIDRs and start-end ranges only",
            ]);
            assert.deepStrictEqual(problemFor("192.168.1.192/26 "), [
                'metallb.generalPool.addresses: "192.168.1.192/26 " is not an address range MetalLB reads: a CIDR must ' +
                    "not have whitespace around it (MetalLB trims only the two ends of a start-end range)",
            ]);
        });

        it("rejects a general range MetalLB reads otherwise than written: host bits, mixed families", () => {
            const problemFor = (addresses: string) =>
                problemsAfter((raw) => {
                    raw.metallb.generalPool.addresses = addresses;
                });
            assert.deepStrictEqual(problemFor("192.168.1.249/26"), [
                'metallb.generalPool.addresses: "192.168.1.249/26" is read by MetalLB as 192.168.1.192/26 (a CIDR ' +
                    "names a whole block, so MetalLB clears the host bits of its address)",
            ]);
            assert.deepStrictEqual(problemFor("192.168.1.200-fd00::1"), [
                'metallb.generalPool.addresses: "192.168.1.200-fd00::1" names no addresses for MetalLB: its ends are ' +
                    "an IPv4 and an IPv6 address, and MetalLB accepts such a range but reads nothing from it",
            ]);
        });

        it("accepts what MetalLB reads as written: spaces around a range's dash, a zero-padded prefix length", () => {
            const settingsWith = (addresses: string) => {
                const raw = readStackConfig("homelab") as Editable;
                raw.metallb.generalPool.addresses = addresses;
                return validateSettings(raw as RawSettings);
            };
            assert.deepStrictEqual(
                planPools(settingsWith(" 192.168.1.200 - 192.168.1.250 ").metallb).generalPool.addresses,
                ["192.168.1.200-192.168.1.248", "192.168.1.250/32"],
            );
            assert.deepStrictEqual(
                planPools(settingsWith("192.168.1.192/026").metallb).generalPool.addresses,
                ["192.168.1.192-192.168.1.248", "192.168.1.250-192.168.1.255"],
            );
        });

        it("rejects a pool outside the LAN", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.metallb.generalPool.addresses = "192.168.2.200-192.168.2.250";
                    raw.metallb.reservations[0].address = "192.168.2.249";
                }),
                [
                    'metallb.generalPool.addresses: "192.168.2.200-192.168.2.250" is not inside network.lanCidr "192.168.1.0/24"',
                ],
            );
        });

        it("rejects a reservation outside the general range", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.metallb.reservations[0].address = "192.168.1.199";
                }),
                [
                    'metallb.reservations[0].address: "192.168.1.199" is outside metallb.generalPool.addresses "192.168.1.200-192.168.1.250": a reservation is carved out of the general range',
                ],
            );
        });

        it("rejects an address reserved twice and a pool name used twice", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.metallb.reservations.push({ pool: "homelab-pool", address: "192.168.1.249" });
                }),
                [
                    'metallb.reservations[1].pool: "homelab-pool" is already used by metallb.generalPool.name',
                    'metallb.reservations[1].address: "192.168.1.249" is already reserved by metallb.reservations[0].address',
                ],
            );
        });

        it("rejects names Kubernetes would refuse", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.metallb.generalPool.name = "Homelab_Pool";
                }),
                [
                    'metallb.generalPool.name: "Homelab_Pool" is not a valid Kubernetes name (lowercase DNS-1123 label)',
                ],
            );
        });
    });

    describe("ingress", () => {
        it("rejects an unknown controller and a reservation that does not exist", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.ingress.controller = "traefik";
                    raw.ingress.reservation = "edge-pool";
                }),
                [
                    'ingress.controller: "traefik" must be one of ingress-nginx, nginx-ingress',
                    'ingress.reservation: "edge-pool" is not a pool in metallb.reservations (ingress-pool)',
                ],
            );
        });

        it("rejects an ingress address of another family than the cluster's Services", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.network.lanCidr = "fd00:1::/64";
                    raw.metallb.generalPool.addresses = "fd00:1::200-fd00:1::250";
                    raw.metallb.reservations[0].address = "fd00:1::249";
                }),
                [
                    'ingress.reservation: "ingress-pool" reserves fd00:1::249, an IPv6 address, but the cluster\'s Services are IPv4 (network.serviceCidr "10.43.0.0/16"): the ingress controller\'s Service cannot take it. Reserve an IPv4 address for the ingress',
                ],
            );
        });

        it("accepts an IPv6 ingress address on a cluster whose Services are IPv6", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.network = {
                        lanCidr: "fd00:1::/64",
                        podCidr: "fd00:42::/56",
                        serviceCidr: "fd00:43::/112",
                        clusterDomain: "cluster.local",
                    };
                    raw.metallb.generalPool.addresses = "fd00:1::200-fd00:1::250";
                    raw.metallb.reservations[0].address = "fd00:1::249";
                }),
                [],
            );
        });
    });

    describe("resources", () => {
        it("rejects quantities that do not parse", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.argo.executorResources.requests.cpu = "100 millicores";
                    raw.namespaces["seldon-system"].quota["limits.memory"] = "32GB";
                }),
                [
                    'argo.executorResources.requests.cpu: "100 millicores" is not a Kubernetes quantity (e.g. 500m, 2, 256Mi, 1Gi)',
                    'namespaces.seldon-system.quota["limits.memory"]: "32GB" is not a Kubernetes quantity (e.g. 4, 500m, 16Gi)',
                ],
            );
        });

        it("requires executor requests and limits for cpu and memory", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    delete raw.argo.executorResources.limits;
                    delete raw.argo.executorResources.requests.memory;
                }),
                [
                    "argo.executorResources.requests.memory is required (a quantity)",
                    "argo.executorResources.limits is required (an object with cpu and memory)",
                ],
            );
        });

        it("rejects a request above its limit", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.argo.executorResources.requests.memory = "512Mi";
                }),
                [
                    'argo.executorResources.requests.memory: "512Mi" is greater than argo.executorResources.limits.memory "256Mi"',
                ],
            );
        });

        it("rejects defaultRequest > default and default > max", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    const limitRange = raw.namespaces["seldon-system"].limitRange;
                    limitRange.defaultRequest.cpu = "600m";
                    limitRange.default.memory = "9Gi";
                }),
                [
                    'namespaces.seldon-system.limitRange.defaultRequest.cpu: "600m" is greater than namespaces.seldon-system.limitRange.default.cpu "500m"',
                    'namespaces.seldon-system.limitRange.default.memory: "9Gi" is greater than namespaces.seldon-system.limitRange.max.memory "8Gi"',
                ],
            );
        });

        it("requires a LimitRange default for every resource the quota constrains", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.namespaces["seldon-system"].quota["limits.cpu"] = "16";
                    delete raw.namespaces["seldon-system"].limitRange.default.cpu;
                    delete raw.namespaces["seldon-system"].limitRange.max.cpu;
                }),
                [
                    "namespaces.seldon-system.limitRange.default.cpu is required (a quantity)",
                    "namespaces.seldon-system.limitRange.max.cpu is required (a quantity)",
                    'namespaces.seldon-system.quota["limits.cpu"] is constrained but namespaces.seldon-system.limitRange.default.cpu is not set: containers that declare nothing (such as Argo\'s init and wait) would be rejected by quota admission',
                ],
            );
        });

        it("counts a default limit the API server takes from max as a default", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.namespaces["seldon-system"].quota["limits.cpu"] = "16";
                    delete raw.namespaces["seldon-system"].limitRange.default.cpu;
                }),
                ["namespaces.seldon-system.limitRange.default.cpu is required (a quantity)"],
            );
        });

        it("rejects executor and main-container resources above the LimitRange max", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.argo.executorResources.limits.cpu = "5";
                    raw.argo.mainContainerResources.limits.memory = "10Gi";
                }),
                [
                    'argo.executorResources.limits.cpu: "5" is above namespaces.seldon-system.limitRange.max.cpu "4": the LimitRanger admission plugin would reject every workflow pod',
                    'argo.mainContainerResources.limits.memory: "10Gi" is above namespaces.seldon-system.limitRange.max.memory "8Gi": the LimitRanger admission plugin would reject every workflow pod',
                ],
            );
        });

        it("rejects a workflow pod that does not fit the quota", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    // wait (executor) + main requests 100m + 250m: over a 300m quota.
                    raw.namespaces["seldon-system"].quota["requests.cpu"] = "300m";
                }),
                [
                    'argo: one workflow pod (init, wait, main) needs requests.cpu 350m, more than namespaces.seldon-system.quota["requests.cpu"] "300m" allows',
                ],
            );
        });

        it("requires every workflow namespace to be governed", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.argo.workflowNamespaces.push("training");
                }),
                [
                    'argo.workflowNamespaces[1]: "training" has no entry in namespaces: every namespace that runs workflows needs a quota and LimitRange',
                ],
            );
        });
    });

    describe("argo", () => {
        it("rejects pull policies Kubernetes does not know and a server switch that is not a boolean", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.argo.imagePullPolicy = { executor: "always", mainContainer: "IfNotPresent" };
                    raw.argo.server = { enabled: "yes" };
                }),
                [
                    'argo.imagePullPolicy.executor: "always" must be one of IfNotPresent, Always, Never',
                    'argo.server.enabled: "yes" must be true or false',
                ],
            );
        });
    });

    describe("services and charts", () => {
        it("rejects bad ports, schemes and unknown egress services", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.services.mlflow.port = 70000;
                    raw.services.mlflow.scheme = "ftp";
                    raw.namespaces["seldon-system"].egressServices.push("minio");
                }),
                [
                    "services.mlflow.port: 70000 is not a port number (1-65535)",
                    'services.mlflow.scheme: "ftp" must be one of http, https, grpc, tcp',
                    'namespaces.seldon-system.egressServices[1]: "minio" is not a key of services',
                ],
            );
        });

        it("accepts a local chart path and rejects an unpinned chart", () => {
            assert.deepStrictEqual(
                problemsAfter((raw) => {
                    raw.charts.metallb = { path: "charts/metallb-0.15.2.tgz" };
                    raw.charts["argo-workflows"].version = "latest";
                }),
                ['charts.argo-workflows.version: "latest" is not an exact chart version'],
            );
        });
    });
});
