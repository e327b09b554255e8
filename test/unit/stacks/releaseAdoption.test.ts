import * as assert from "assert";
import { chartEntryWithValues, planReleaseAdoption, ReleaseFacts } from "../../../stacks/releaseAdoption";
import { validateSettings } from "../../../stacks/validation";
import { stackSettings } from "../../harness/program";
import { projectRoot } from "../../harness/stackConfig";

const homelab = validateSettings(stackSettings());

/** The homelab's ingress release as `helm install` left it, with values a user would have set. */
const ingressRelease: ReleaseFacts = {
    name: "ingress-nginx",
    namespace: "ingress-nginx",
    chart: "ingress-nginx",
    version: "4.14.0",
    userValues: {
        controller: {
            service: { loadBalancerIP: "192.168.1.249" },
            config: { "use-forwarded-headers": "true" },
            tolerations: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
        },
    },
};

describe("adopting a Helm release", () => {
    it("sorts the user's values into kept by the settings, set by the stack, and missing; and shows the chart's upgrade", () => {
        const settings = validateSettings(
            stackSettings({
                overrides: {
                    charts: {
                        ...(stackSettings().charts as object),
                        "ingress-nginx": {
                            repository: "https://kubernetes.github.io/ingress-nginx",
                            version: "4.15.1",
                            values: { controller: { config: { "use-forwarded-headers": "true" } } },
                        },
                    },
                },
            }),
        );
        const plan = planReleaseAdoption(ingressRelease, settings, projectRoot);
        assert.deepStrictEqual(plan.refusals, []);
        assert.deepStrictEqual(plan.upgrade, { from: "4.14.0", to: "4.15.1" });
        assert.deepStrictEqual(plan.kept, [
            { path: "controller.config.use-forwarded-headers", value: "true" },
        ]);
        assert.deepStrictEqual(plan.setByStack, [
            {
                path: "controller.service.loadBalancerIP",
                value: "192.168.1.249",
                setting:
                    "ingress.reservation (the controller's LoadBalancer Service on the reserved address)",
            },
        ]);
        assert.deepStrictEqual(plan.missing, [
            {
                path: "controller.tolerations",
                value: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
            },
        ]);
    });

    it("prints the values to keep as the chart's entry of a stack file's charts, with its source", () => {
        const plan = planReleaseAdoption(ingressRelease, homelab, projectRoot);
        assert.strictEqual(
            chartEntryWithValues("ingress-nginx", plan.source!, [...plan.kept, ...plan.missing]),
            [
                "ingress-nginx:",
                "  repository: https://kubernetes.github.io/ingress-nginx",
                "  version: 4.15.1",
                "  values:",
                "    controller:",
                "      config:",
                "        use-forwarded-headers: 'true'",
                "      tolerations:",
                "        - key: node-role.kubernetes.io/control-plane",
                "          effect: NoSchedule",
                "",
            ].join("\n"),
        );
    });

    it("refuses a release of another name or namespace than the settings', naming both", () => {
        const plan = planReleaseAdoption(
            { ...ingressRelease, namespace: "ingress-lab", name: "edge" },
            homelab,
            projectRoot,
        );
        assert.deepStrictEqual(plan.refusals, [
            "ingress-lab/edge (chart ingress-nginx) is not the stack's release ingress-nginx/ingress-nginx " +
                "(ingress.namespace and ingress.releaseName): adopting it would leave a second ingress-nginx beside the one " +
                "the stack installs. Set ingress.namespace and ingress.releaseName to ingress-lab and edge, or uninstall it first.",
        ]);
    });

    it("refuses a chart the stack does not install, and the other ingress controller's", () => {
        const other = planReleaseAdoption({ ...ingressRelease, chart: "traefik" }, homelab, projectRoot);
        assert.match(other.refusals[0], /installs chart traefik, which this stack does not install/);
        const f5 = planReleaseAdoption({ ...ingressRelease, chart: "nginx-ingress" }, homelab, projectRoot);
        assert.match(f5.refusals[0], /installs chart nginx-ingress, but ingress.controller is ingress-nginx/);
    });

    it("reads a local chart's version from its Chart.yaml (the local stack)", () => {
        const local = validateSettings(stackSettings({ stack: "local" }));
        const plan = planReleaseAdoption(
            { ...ingressRelease, version: "4.15.1", userValues: {} },
            local,
            projectRoot,
        );
        assert.strictEqual(plan.upgrade, undefined);
        const older = planReleaseAdoption(
            { ...ingressRelease, version: "4.0.0", userValues: {} },
            local,
            projectRoot,
        );
        assert.deepStrictEqual(older.upgrade, { from: "4.0.0", to: "4.15.1" });
    });
});
