// The Helm CLI against the test cluster (KUBECONFIG from the environment), as a person runs it.

import * as path from "path";
import { CommandResult, run, runOrFail } from "./commands";
import { repositoryRoot } from "./workspace";

/** A fixture chart under test/fixtures/charts. */
export function fixtureChart(name: string): string {
    return path.join(repositoryRoot, "test/fixtures/charts", name);
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
