// The GitHub workflows' guard rails: the job that runs pull-request code with the homelab's
// kubeconfig waits for a reviewer, and no other job ever sees that kubeconfig.

import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { projectRoot } from "../harness/stackConfig";

interface Job {
    if?: string;
    environment?: string | { name: string };
    steps?: unknown[];
}

const workflowsDirectory = path.join(projectRoot, ".github/workflows");

function workflow(file: string): { on: Record<string, unknown>; jobs: Record<string, Job> } {
    // js-yaml reads the key `on` as the string "on" (YAML 1.2 core schema), as GitHub does.
    return yaml.load(fs.readFileSync(path.join(workflowsDirectory, file), "utf8")) as {
        on: Record<string, unknown>;
        jobs: Record<string, Job>;
    };
}

const environmentOf = (job: Job) =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;

describe("GitHub workflows", () => {
    it("preview.yml runs pull requests of this repository only, each waiting in the homelab-preview environment", () => {
        const preview = workflow("preview.yml");
        assert.deepStrictEqual(Object.keys(preview.on), ["pull_request"]);
        for (const [name, job] of Object.entries(preview.jobs)) {
            assert.strictEqual(environmentOf(job), "homelab-preview", `job ${name}`);
            assert.strictEqual(job.if, "github.event.pull_request.head.repo.full_name == github.repository");
        }
    });

    it("preview.yml runs preflight on the cluster before the preview, and fails on what blocks", () => {
        const steps = (workflow("preview.yml").jobs.preview.steps ?? []) as {
            name?: string;
            run?: string;
            uses?: string;
        }[];
        const preflight = steps.findIndex((step) =>
            /npm run --silent preflight -- --stack homelab/.test(step.run ?? ""),
        );
        const preview = steps.findIndex((step) => step.uses?.startsWith("pulumi/actions@") ?? false);
        assert.ok(preflight >= 0, "no preflight step");
        assert.ok(preflight < preview, "preflight runs after the preview");
        assert.match(steps[preflight].run ?? "", /exit "\$status"/);
    });

    it("only jobs in the homelab-preview environment read the homelab's secrets", () => {
        for (const file of fs.readdirSync(workflowsDirectory).filter((name) => name.endsWith(".yml"))) {
            for (const [name, job] of Object.entries(workflow(file).jobs)) {
                const text = JSON.stringify(job);
                for (const secret of ["KUBECONFIG_HOMELAB", "PULUMI_ACCESS_TOKEN"]) {
                    if (text.includes(`secrets.${secret}`)) {
                        assert.strictEqual(
                            environmentOf(job),
                            "homelab-preview",
                            `${file} job ${name} reads ${secret}`,
                        );
                    }
                }
            }
        }
    });
});
