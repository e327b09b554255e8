// The server-side apply field manager of the objects the stack renders from Helm charts.

import type * as pulumi from "@pulumi/pulumi";

/**
 * A fixed name (the provider would otherwise pick a random one per object), so that ownership of
 * fields that an earlier `helm install` set can be handed to the stack before its first update
 * (cli/adopt-helm-releases.ts). The stack then owns exactly what Helm owned: fields it no
 * longer sets, such as a deprecated `spec.loadBalancerIP`, are removed by its first apply.
 */
export const stackFieldManager = "homelab-platform";

/** The provider reads a resource's field manager from this annotation. */
export const fieldManagerAnnotation = "pulumi.com/patchFieldManager";

/** A transform for a chart: every object it renders is applied as `stackFieldManager`. */
export const applyAsStack: pulumi.ResourceTransform = (args) => {
    if (!args.custom || !args.type.startsWith("kubernetes:")) {
        return undefined;
    }
    const metadata = args.props?.metadata ?? {};
    return {
        props: {
            ...args.props,
            metadata: {
                ...metadata,
                annotations: { ...(metadata.annotations ?? {}), [fieldManagerAnnotation]: stackFieldManager },
            },
        },
        opts: args.opts,
    };
};

/**
 * One transform that applies `transforms` in order. The engine calls every transform of a
 * resource through the language host, one round trip each, for every object a chart renders:
 * a chart's transforms combined into one cost one round trip per object instead of several.
 */
export function combineTransforms(...transforms: pulumi.ResourceTransform[]): pulumi.ResourceTransform {
    return async (args) => {
        let current = args;
        let changed = false;
        for (const transform of transforms) {
            const result = await transform(current);
            if (result) {
                current = { ...current, props: result.props, opts: result.opts };
                changed = true;
            }
        }
        return changed ? { props: current.props, opts: current.opts } : undefined;
    };
}
