import * as assert from "assert";
import type * as pulumi from "@pulumi/pulumi";
import {
    applyAsStack,
    combineTransforms,
    fieldManagerAnnotation,
    stackFieldManager,
} from "../../../components/fieldManager";

function argsFor(type: string, props: Record<string, unknown>): pulumi.ResourceTransformArgs {
    return { custom: true, type, name: "chart:object", props, opts: {} };
}

/** Appends `mark` to `metadata.labels.trail` of every resource, to see the order transforms ran in. */
function marking(mark: string, onlyType?: string): pulumi.ResourceTransform {
    return (args) => {
        if (onlyType && args.type !== onlyType) {
            return undefined;
        }
        const trail = `${args.props.metadata?.labels?.trail ?? ""}${mark}`;
        return {
            props: { ...args.props, metadata: { ...args.props.metadata, labels: { trail } } },
            opts: { ...args.opts, retainOnDelete: mark === "keep" ? true : args.opts.retainOnDelete },
        };
    };
}

describe("combineTransforms: a chart's transforms in one round trip per object", () => {
    it("applies each transform to the result of the one before, in order, options included", async () => {
        const combined = combineTransforms(marking("a"), marking("keep"), marking("b"));
        const result = await combined(argsFor("kubernetes:core/v1:ConfigMap", { metadata: { name: "x" } }));
        assert.deepStrictEqual(result, {
            props: { metadata: { name: "x", labels: { trail: "akeepb" } } },
            opts: { retainOnDelete: true },
        });
    });

    it("skips a transform that leaves the object alone, and leaves it alone when all do", async () => {
        const crd = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
        const combined = combineTransforms(marking("a", crd), marking("b"));
        const configMap = await combined(argsFor("kubernetes:core/v1:ConfigMap", { metadata: {} }));
        assert.deepStrictEqual(configMap?.props, { metadata: { labels: { trail: "b" } } });
        const none = combineTransforms(marking("a", crd));
        assert.strictEqual(await none(argsFor("kubernetes:core/v1:ConfigMap", { metadata: {} })), undefined);
    });

    it("keeps what applyAsStack sets when combined with others", async () => {
        const combined = combineTransforms(applyAsStack, marking("a"));
        const result = await combined(
            argsFor("kubernetes:core/v1:Service", { metadata: { annotations: {} } }),
        );
        assert.strictEqual(result?.props.metadata.annotations[fieldManagerAnnotation], stackFieldManager);
        assert.strictEqual(result?.props.metadata.labels.trail, "a");
    });
});
