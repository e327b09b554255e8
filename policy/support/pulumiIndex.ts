// What @pulumi/policy takes from @pulumi/pulumi's index, and nothing else: its deserializer builds
// assets and archives and recognises Outputs. The pack's bundle (build.js) hands @pulumi/policy this
// module in place of the index, which would load the whole SDK (the automation API and the package
// tooling behind closure serialization) when the pack starts, at every preview, for nothing it uses.
// test/policy/support/pulumiIndex.test.ts fails if @pulumi/policy starts to use more of the index.

export * as asset from "@pulumi/pulumi/asset";
export { Output } from "@pulumi/pulumi/output";
