import * as assert from "assert";
import { communityIngressNginxIsRetired } from "../../../policy/policies/communityIngressNginxIsRetired";
import { resourceViolations, runResourcePolicy, unknownString } from "../../harness/policy/harness";
import { container, deployment, helmChart, helmRelease, service } from "../../harness/policy/resources";

const retirement =
    "the community ingress-nginx project is retired (final release 2026-03: chart 4.15.1, controller 1.15.1; no " +
    "further fixes, security fixes included). Plan the move to F5's NGINX Ingress Controller (chart nginx-ingress) " +
    "or a Gateway API implementation.";

describe("community-ingress-nginx-is-retired", () => {
    it("accepts F5's nginx-ingress chart and controller image, and unrelated resources", async () => {
        for (const spec of [
            helmChart("nginx-ingress", "nginx-ingress", "oci://ghcr.io/nginx/charts/nginx-ingress", {}),
            deployment("nginx-ingress", "controller", [
                container("controller", {}, "nginx/nginx-ingress:5.0.0"),
            ]),
            service("ingress-nginx", "ingress-nginx-controller"),
        ]) {
            assert.deepStrictEqual(
                await resourceViolations(communityIngressNginxIsRetired, spec),
                [],
                spec.name,
            );
        }
    });

    it("flags the community chart as a v4 Chart (repository name or local path) and as a v3 Release", async () => {
        for (const [spec, description] of [
            [
                helmChart("ingress-nginx", "ingress-nginx", "ingress-nginx", {}, "ingress"),
                'Chart ingress-nginx/ingress-nginx (Pulumi name "ingress")',
            ],
            [
                helmChart("edge", "edge", "/work/main/test/fixtures/charts/ingress-nginx/", {}),
                'Chart edge/edge (Pulumi name "edge")',
            ],
            [
                helmRelease("ingress-nginx", "ingress-nginx", "ingress-nginx/ingress-nginx", {}),
                'Release ingress-nginx/ingress-nginx (Pulumi name "ingress-nginx")',
            ],
            [
                helmRelease("ingress-nginx", "old", "ingress-nginx-4.15.1.tgz", {}),
                'Release ingress-nginx/old (Pulumi name "old")',
            ],
        ] as const) {
            assert.deepStrictEqual(await resourceViolations(communityIngressNginxIsRetired, spec), [
                { message: `${description} installs the community ingress-nginx chart: ${retirement}` },
            ]);
        }
    });

    it("flags workloads running the community controller image", async () => {
        const spec = deployment("ingress-nginx", "ingress-nginx-controller", [
            container("controller", {}, "registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:0123"),
        ]);
        assert.deepStrictEqual(await resourceViolations(communityIngressNginxIsRetired, spec), [
            {
                message:
                    'Deployment ingress-nginx/ingress-nginx-controller (Pulumi name "ingress-nginx-controller") container ' +
                    "controller runs registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:0123, the community ingress-nginx " +
                    `controller: ${retirement}`,
            },
        ]);
    });

    it("during preview, says nothing about an unknown chart or image", async () => {
        const chart = helmRelease("ingress-nginx", "ingress-nginx", unknownString, {});
        assert.deepStrictEqual(await runResourcePolicy(communityIngressNginxIsRetired, chart), {
            violations: [],
        });
        const workload = deployment("ingress-nginx", "controller", [
            container("controller", {}, unknownString),
        ]);
        assert.deepStrictEqual(await runResourcePolicy(communityIngressNginxIsRetired, workload), {
            violations: [],
        });
    });
});
