// The certificate of ingress-nginx's admission webhook, made the way the chart makes it, but by
// the stack: helm.v4.Chart drops Helm hooks (pulumi-kubernetes#3284), and in chart 4.15.1 the
// certificate comes from two hook Jobs running kube-webhook-certgen
// (templates/admission-webhooks/job-patch/). Without them the controller Deployment waits forever
// for its `<fullname>-admission` Secret and the webhook, with failurePolicy Fail, refuses every
// Ingress. See docs/decisions/0007-ingress-admission-webhook.md.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** kube-webhook-certgen as ingress-nginx chart 4.15.1 pins it (values.yaml, controller.admissionWebhooks.patch.image). */
export const certgenImage =
    "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd";

function stringAt(values: Record<string, unknown>, ...path: string[]): string | undefined {
    let value: unknown = values;
    for (const key of path) {
        value =
            typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    return typeof value === "string" ? value : undefined;
}

/**
 * The certgen image and pull policy the chart's hook Jobs would run with these values, as chart
 * 4.15.1 renders `controller.admissionWebhooks.patch.image` (templates/_helpers.tpl
 * "ingress-nginx.image"): `repository`, else `<registry>/<image>` (registry defaulting to
 * `global.image.registry`), then `:<tag>`, then `@<digest>` when one is set. Keys left out keep
 * the chart's defaults.
 */
export function certgenImageOf(values: Record<string, unknown>): { image: string; imagePullPolicy: string } {
    const at = (key: string) => stringAt(values, "controller", "admissionWebhooks", "patch", "image", key);
    const pinned = /^(.*)\/(ingress-nginx\/kube-webhook-certgen):([^@]+)@(.*)$/.exec(certgenImage)!;
    const registry = at("registry") || stringAt(values, "global", "image", "registry") || pinned[1];
    const repository = at("repository") || `${registry}/${at("image") ?? pinned[2]}`;
    const digest = at("digest") ?? pinned[4];
    return {
        image: `${repository}:${at("tag") ?? pinned[3]}${digest === "" ? "" : `@${digest}`}`,
        imagePullPolicy: at("pullPolicy") ?? "IfNotPresent",
    };
}

export interface IngressAdmissionCertificateArgs {
    /** The chart's `<fullname>`: the release name, or `<release>-ingress-nginx` when it lacks "ingress-nginx". */
    fullname: string;
    /** The certgen image the chart's values name (see certgenImageOf). Defaults to the chart's pinned one. */
    image?: string;
    imagePullPolicy?: string;
    namespace: string;
    /** The chart, whose ValidatingWebhookConfiguration the patch Job fills in. */
    chart: pulumi.Resource;
    /** What the Jobs wait for besides their RBAC: the namespace. */
    dependsOn: pulumi.Resource[];
}

/** The chart's `<fullname>` (templates/_helpers.tpl "ingress-nginx.fullname", no overrides). */
export function ingressNginxFullname(releaseName: string): string {
    return (releaseName.includes("ingress-nginx") ? releaseName : `${releaseName}-ingress-nginx`).slice(
        0,
        63,
    );
}

/** A hook Job's pod, as the chart renders it: certgen with the account below, as a non-root user. */
function certgenJobSpec(
    account: string,
    args: string[],
    image: { image: string; imagePullPolicy: string },
): k8s.types.input.batch.v1.JobSpec {
    return {
        template: {
            metadata: { labels: { "app.kubernetes.io/component": "admission-webhook" } },
            spec: {
                restartPolicy: "OnFailure",
                serviceAccountName: account,
                nodeSelector: { "kubernetes.io/os": "linux" },
                containers: [
                    {
                        name: args[0],
                        image: image.image,
                        imagePullPolicy: image.imagePullPolicy,
                        args,
                        env: [
                            {
                                name: "POD_NAMESPACE",
                                valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                            },
                        ],
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: 65532,
                            runAsGroup: 65532,
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            seccompProfile: { type: "RuntimeDefault" },
                            capabilities: { drop: ["ALL"] },
                        },
                    },
                ],
            },
        },
    };
}

/**
 * The chart's admission hooks as ordinary resources: an identity that may create the Secret and
 * update the webhook configuration, a Job that creates the certificate Secret (it keeps an
 * existing one), and a Job that writes its CA into the webhook once the chart is installed.
 */
export class IngressAdmissionCertificate extends pulumi.ComponentResource {
    readonly secretName: string;
    readonly createJob: k8s.batch.v1.Job;
    readonly patchJob: k8s.batch.v1.Job;

    constructor(name: string, args: IngressAdmissionCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        // Only plain values go to the engine as this component's inputs: a resource among them
        // would hold the component back until the chart is ready, which waits for the Secret
        // that the Jobs below make.
        super(
            "homelab:platform:IngressAdmissionCertificate",
            name,
            { fullname: args.fullname, namespace: args.namespace },
            opts,
        );
        const admission = `${args.fullname}-admission`;
        const webhookService = `${args.fullname}-controller-admission`;
        const namespace = args.namespace;
        const metadata = { name: admission, labels: { "app.kubernetes.io/component": "admission-webhook" } };
        const after = { parent: this, dependsOn: args.dependsOn };
        this.secretName = admission;

        const account = new k8s.core.v1.ServiceAccount(
            `${name}-account`,
            { metadata: { ...metadata, namespace } },
            after,
        );
        const role = new k8s.rbac.v1.Role(
            `${name}-role`,
            {
                metadata: { ...metadata, namespace },
                rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "create"] }],
            },
            after,
        );
        const roleBinding = new k8s.rbac.v1.RoleBinding(
            `${name}-role-binding`,
            {
                metadata: { ...metadata, namespace },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: admission },
                subjects: [{ kind: "ServiceAccount", name: admission, namespace }],
            },
            after,
        );
        const clusterRole = new k8s.rbac.v1.ClusterRole(
            `${name}-cluster-role`,
            {
                metadata,
                rules: [
                    {
                        apiGroups: ["admissionregistration.k8s.io"],
                        resources: ["validatingwebhookconfigurations"],
                        verbs: ["get", "update"],
                    },
                ],
            },
            after,
        );
        const clusterRoleBinding = new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-cluster-role-binding`,
            {
                metadata,
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: admission },
                subjects: [{ kind: "ServiceAccount", name: admission, namespace }],
            },
            after,
        );

        // The controller pod mounts this Secret: the Job runs alongside the chart, whose
        // Deployment becomes ready once the Secret exists.
        const image = {
            image: args.image ?? certgenImage,
            imagePullPolicy: args.imagePullPolicy ?? "IfNotPresent",
        };
        this.createJob = new k8s.batch.v1.Job(
            `${name}-create`,
            {
                metadata: { name: `${admission}-create`, namespace },
                spec: certgenJobSpec(
                    admission,
                    [
                        "create",
                        `--host=${webhookService},${webhookService}.$(POD_NAMESPACE).svc`,
                        "--namespace=$(POD_NAMESPACE)",
                        `--secret-name=${admission}`,
                    ],
                    image,
                ),
            },
            // A Job's pod template cannot change, and its name is fixed: a new image, or `pulumi up
            // --replace` after a lost certificate, deletes the old Job before it makes the new one.
            {
                parent: this,
                dependsOn: [...args.dependsOn, account, role, roleBinding],
                deleteBeforeReplace: true,
            },
        );
        this.patchJob = new k8s.batch.v1.Job(
            `${name}-patch`,
            {
                metadata: { name: `${admission}-patch`, namespace },
                spec: certgenJobSpec(
                    admission,
                    [
                        "patch",
                        `--webhook-name=${admission}`,
                        "--namespace=$(POD_NAMESPACE)",
                        "--patch-mutating=false",
                        `--secret-name=${admission}`,
                        "--patch-failure-policy=Fail",
                    ],
                    image,
                ),
            },
            {
                parent: this,
                dependsOn: [args.chart, this.createJob, account, clusterRole, clusterRoleBinding],
                deleteBeforeReplace: true,
            },
        );

        this.registerOutputs({ secretName: this.secretName });
    }
}
