// The main job on the embedded control plane: converge the local stack, show the policy pack
// passing with no changes, show it blocking a conflicting IP, print the outputs.
// Run by scripts/demo.sh inside scripts/control-plane.sh.

import * as path from "path";
import { policyPackArgs, PulumiWorkspace, repositoryRoot } from "../test/integration/workspace";

function banner(text: string): void {
    console.log(`\n=== ${text}\n`);
}

async function main(): Promise<void> {
    const platform = await PulumiWorkspace.create({
        programDirectory: repositoryRoot,
        stack: "local",
        echo: true,
    });
    const regressions = await PulumiWorkspace.create({
        programDirectory: path.join(repositoryRoot, "test/fixtures/programs/regressions"),
        stack: "demo",
        echo: true,
    });
    try {
        banner("pulumi up -s local");
        await platform.pulumiOrFail(["up", "--yes"]);

        banner("pulumi preview -s local --policy-pack ./policy --expect-no-changes");
        await platform.pulumiOrFail(["preview", "--expect-no-changes", ...policyPackArgs()]);

        banner("the policy pack blocks a program that puts the ingress IP inside the auto-assign pool");
        regressions.setSettings("seed-regressions", { scenario: "ingress-ip-in-auto-pool" });
        const blocked = await regressions.preview(policyPackArgs());
        if (blocked.code === 0) {
            throw new Error("the conflicting program was not blocked");
        }
        console.log(`\n(pulumi preview exited with ${blocked.code}, as it should)`);

        banner("pulumi stack output -s local");
        await platform.pulumiOrFail(["stack", "output"]);
    } finally {
        regressions.dispose();
        platform.dispose();
    }
}

main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
});
