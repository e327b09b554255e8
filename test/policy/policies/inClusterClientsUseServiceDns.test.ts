import * as assert from "assert";
import { inClusterClientsUseServiceDns } from "../../../policy/policies/inClusterClientsUseServiceDns";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import {
    addressPool,
    configMap,
    container,
    deployment,
    helmRelease,
    homelabStack,
    service,
    types,
    workflowTemplate,
} from "../../harness/policy/resources";

const pools = [
    addressPool("homelab-pool", ["192.168.1.200-192.168.1.248", "192.168.1.250/32"]),
    addressPool("ingress-pool", ["192.168.1.249/32"], { autoAssign: false }),
];
const mlflow = service("mlflow", "mlflow", {
    annotations: { "metallb.io/loadBalancerIPs": "192.168.1.203" },
});
const consequence =
    "in-cluster clients then leave the cluster through MetalLB, and break when the address changes.";

describe("in-cluster-clients-use-service-dns", () => {
    it("accepts the homelab: clients use mlflow.mlflow.svc.cluster.local", async () => {
        assert.deepStrictEqual(await stackViolations(inClusterClientsUseServiceDns, homelabStack()), []);
    });

    it("accepts LAN and pool ranges written as networks, and addresses outside every pool", async () => {
        const specs = [
            ...pools,
            mlflow,
            configMap("apps", "settings", {
                proxyRealIpCidr: "192.168.1.0/24",
                legacyPools: "192.168.1.200-192.168.1.250",
                router: "http://192.168.1.1:80",
            }),
        ];
        assert.deepStrictEqual(await stackViolations(inClusterClientsUseServiceDns, specs), []);
    });

    it("rejects the seed: MLFLOW_TRACKING_URI on an address of the MetalLB pool, in a ConfigMap", async () => {
        const specs = [
            ...pools,
            configMap("seldon-system", "training-pipeline-env", {
                MLFLOW_TRACKING_URI: "http://192.168.1.203:5000",
            }),
        ];
        assert.deepStrictEqual(await stackViolations(inClusterClientsUseServiceDns, specs), [
            {
                message:
                    'ConfigMap seldon-system/training-pipeline-env (Pulumi name "training-pipeline-env") data MLFLOW_TRACKING_URI ' +
                    'uses "http://192.168.1.203:5000", an address of IPAddressPool metallb-system/homelab-pool (Pulumi name ' +
                    `"homelab-pool") (192.168.1.200-192.168.1.248), i.e. a LoadBalancer IP: ${consequence} Use the cluster DNS ` +
                    "name of the Service behind it (<service>.<namespace>.svc.cluster.local).",
                urn: urnOf({ type: types.configMap, name: "training-pipeline-env" }),
            },
        ]);
    });

    it("names the Service that requests the address and gives the exact replacement, in workload env", async () => {
        const specs = [
            ...pools,
            mlflow,
            deployment("seldon-system", "trainer", [
                container("trainer", { MLFLOW_TRACKING_URI: "http://192.168.1.203:5000/api" }),
            ]),
        ];
        assert.deepStrictEqual(
            (await stackViolations(inClusterClientsUseServiceDns, specs)).map(
                (violation) => violation.message,
            ),
            [
                'Deployment seldon-system/trainer (Pulumi name "trainer") container trainer env MLFLOW_TRACKING_URI uses ' +
                    '"http://192.168.1.203:5000", the LoadBalancer IP 192.168.1.203 of Service mlflow/mlflow (Pulumi name ' +
                    `"mlflow"): ${consequence} Use the Service's cluster DNS name: ` +
                    '"http://mlflow.mlflow.svc.cluster.local:5000".',
            ],
        );
    });

    it("checks Argo templates (container, script, parameters) and addresses held in a Service's status, with a custom domain", async () => {
        const grafana = service("monitoring", "grafana", { assigned: ["10.10.0.5"] });
        const templates = [
            { name: "train", container: container("main", { TRACKING: "192.168.1.203:5000" }) },
            {
                name: "report",
                script: { ...container("script", { GRAFANA: "10.10.0.5" }), source: "print()" },
            },
        ];
        const workflow = workflowTemplate("seldon-system", "pipeline", templates);
        (workflow.props.spec as Record<string, unknown>).arguments = {
            parameters: [{ name: "ingress", value: "https://192.168.1.249" }],
        };
        const specs = [...pools, mlflow, grafana, workflow];
        assert.deepStrictEqual(
            (
                await stackViolations(inClusterClientsUseServiceDns, specs, { clusterDomain: "lab.internal" })
            ).map((violation) => violation.message),
            [
                'WorkflowTemplate seldon-system/pipeline (Pulumi name "pipeline") template train container env TRACKING uses ' +
                    '"192.168.1.203:5000", the LoadBalancer IP 192.168.1.203 of Service mlflow/mlflow (Pulumi name "mlflow"): ' +
                    `${consequence} Use the Service's cluster DNS name: "mlflow.mlflow.svc.lab.internal:5000".`,
                'WorkflowTemplate seldon-system/pipeline (Pulumi name "pipeline") template report script env GRAFANA uses ' +
                    '"10.10.0.5", the LoadBalancer IP 10.10.0.5 of Service monitoring/grafana (Pulumi name "grafana"): ' +
                    `${consequence} Use the Service's cluster DNS name: "grafana.monitoring.svc.lab.internal".`,
                'WorkflowTemplate seldon-system/pipeline (Pulumi name "pipeline") parameter ingress uses ' +
                    '"https://192.168.1.249", an address of IPAddressPool metallb-system/ingress-pool (Pulumi name ' +
                    `"ingress-pool") (192.168.1.249/32), i.e. a LoadBalancer IP: ${consequence} Use the cluster DNS name of ` +
                    "the Service behind it (<service>.<namespace>.svc.lab.internal).",
            ],
        );
    });

    it("names chart values that request the address, and reads IPv6 URLs", async () => {
        const specs = [
            addressPool("v6", ["fd00::/120"], { autoAssign: false }),
            helmRelease("ingress-nginx", "ingress-nginx", "ingress-nginx", {
                controller: { service: { loadBalancerIP: "fd00::49" } },
            }),
            deployment("apps", "client", [container("client", { UPSTREAM: "http://[fd00::49]:8080" })]),
        ];
        assert.deepStrictEqual(
            (await stackViolations(inClusterClientsUseServiceDns, specs)).map(
                (violation) => violation.message,
            ),
            [
                'Deployment apps/client (Pulumi name "client") container client env UPSTREAM uses "http://[fd00::49]:8080", ' +
                    'the LoadBalancer IP fd00::49 of Release ingress-nginx/ingress-nginx (Pulumi name "ingress-nginx"): ' +
                    `${consequence} Use the cluster DNS name of the Service behind it (<service>.<namespace>.svc.cluster.local).`,
            ],
        );
    });

    it("skips exempt namespaces", async () => {
        const specs = [
            ...pools,
            configMap("kube-system", "coredns-custom", { upstream: "192.168.1.203:53" }),
        ];
        assert.deepStrictEqual(await stackViolations(inClusterClientsUseServiceDns, specs), []);
    });

    it("during preview, skips values and pools that are unknown", async () => {
        const specs = [
            addressPool("homelab-pool", unknownString),
            configMap("seldon-system", "pending", unknownString),
            configMap("seldon-system", "env", {
                MLFLOW_TRACKING_URI: unknownString,
                OTHER: "http://192.168.1.203:5000",
            }),
            deployment("seldon-system", "trainer", [
                { name: "trainer", image: "python:3.12", env: unknownString },
            ]),
        ];
        assert.deepStrictEqual(await runStackPolicy(inClusterClientsUseServiceDns, specs), {
            violations: [],
        });
    });
});
