// A container's `imagePullPolicy`.

export const imagePullPolicies = ["IfNotPresent", "Always", "Never"] as const;

export type ImagePullPolicy = (typeof imagePullPolicies)[number];
