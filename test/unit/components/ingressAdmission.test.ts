import * as assert from "assert";
import { certgenImage, certgenImageOf } from "../../../components/ingressAdmission";

describe("ingress-nginx admission certificate Jobs", () => {
    it("run the certgen image the chart pins when the values name none", () => {
        assert.deepStrictEqual(certgenImageOf({}), { image: certgenImage, imagePullPolicy: "IfNotPresent" });
    });

    it("run the image the values name, as the chart renders controller.admissionWebhooks.patch.image", () => {
        const patch = (image: Record<string, string>) => ({
            controller: { admissionWebhooks: { patch: { image } } },
        });
        assert.deepStrictEqual(
            certgenImageOf(
                patch({
                    registry: "localhost/homelab-stand-in",
                    image: "kube-webhook-certgen",
                    tag: "v1.6.9",
                    digest: "",
                    pullPolicy: "Never",
                }),
            ),
            { image: "localhost/homelab-stand-in/kube-webhook-certgen:v1.6.9", imagePullPolicy: "Never" },
        );
        // A mirror: the registry alone changes, the pinned tag and digest stay.
        assert.strictEqual(
            certgenImageOf({ global: { image: { registry: "mirror.lan:5000" } } }).image,
            certgenImage.replace("registry.k8s.io", "mirror.lan:5000"),
        );
        assert.strictEqual(
            certgenImageOf(patch({ repository: "mirror.lan/certgen", digest: "" })).image,
            "mirror.lan/certgen:v1.6.9",
        );
    });
});
