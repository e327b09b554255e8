// `npm run policy-config -- [--stack NAME]`: writes policy/config.homelab.json (or
// policy/config.<stack>.json), the policy pack's configuration, from the stack's validated
// settings (stacks/policyConfig.ts). `--check` writes nothing and fails when the file differs.

import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import { policyConfigOf } from "../stacks/policyConfig";
import { readStackFiles } from "../stacks/stackFiles";
import { validateSettings } from "../stacks/validation";

const projectDirectory = path.resolve(__dirname, "..");

export function policyConfigPath(stack: string): string {
    return path.join(projectDirectory, "policy", `config.${stack}.json`);
}

/** The file's text as the stack's settings make it, formatted as the repository formats JSON. */
export async function policyConfigText(stack: string): Promise<string> {
    const config = policyConfigOf(validateSettings(readStackFiles(projectDirectory, stack)));
    const file = policyConfigPath(stack);
    const options = await prettier.resolveConfig(file);
    return prettier.format(JSON.stringify(config, null, 2), { ...options, filepath: file });
}

async function main(argv: string[]): Promise<void> {
    let stack = "homelab";
    let check = false;
    for (let index = 0; index < argv.length; index++) {
        if (argv[index] === "--check") {
            check = true;
        } else if ((argv[index] === "--stack" || argv[index] === "-s") && argv[index + 1]) {
            stack = argv[++index];
        } else {
            throw new Error(
                `unknown argument "${argv[index]}"\nusage: npm run policy-config -- [--stack NAME] [--check]`,
            );
        }
    }
    const file = policyConfigPath(stack);
    const text = await policyConfigText(stack);
    if (check) {
        const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        if (current !== text) {
            throw new Error(
                `${path.relative(projectDirectory, file)} differs from the settings: run npm run policy-config`,
            );
        }
        return;
    }
    fs.writeFileSync(file, text);
    process.stdout.write(`wrote ${path.relative(projectDirectory, file)}\n`);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((error: unknown) => {
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
    });
}
