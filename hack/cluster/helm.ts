// The Helm CLI against the test cluster (KUBECONFIG from the environment), as a person runs it.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { readStackFiles } from "../../stacks/stackFiles";
import { CommandResult, run, runOrFail } from "./commands";
import { repositoryRoot } from "./workspace";

/** A fixture chart under test/fixtures/charts. */
export function fixtureChart(name: string): string {
    return path.join(repositoryRoot, "test/fixtures/charts", name);
}

/**
 * `--values FILE` holding the local stack's `charts.<name>.values` (Pulumi.local.yaml): the
 * images the local node has, as a homelab's own values file would name its registry's. A
 * `helm install` of the seed takes them as the stack does.
 */
export function localNodeValues(name: string): string[] {
    const charts = readStackFiles(repositoryRoot, "local").charts as Record<string, { values?: unknown }>;
    const values = charts[name]?.values ?? {};
    const file = path.join(os.tmpdir(), `homelab-local-values-${process.pid}-${name}.yaml`);
    fs.writeFileSync(file, yaml.dump(values));
    return ["--values", file];
}

export function helm(args: string[], echo = false): Promise<CommandResult> {
    return run("helm", args, { echo });
}

export function helmOrFail(args: string[], echo = false): Promise<CommandResult> {
    return runOrFail("helm", args, { echo });
}

export interface HelmRelease {
    name: string;
    namespace: string;
    revision: string;
    status: string;
    chart: string;
}

/** `helm list --all-namespaces --all`, parsed. */
export async function helmReleases(): Promise<HelmRelease[]> {
    const result = await helmOrFail(["list", "--all-namespaces", "--all", "--output", "json"]);
    return JSON.parse(result.stdout) as HelmRelease[];
}
