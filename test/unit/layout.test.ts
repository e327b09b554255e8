// The layout's rules, checked on the imports of every source file: lib/ is pure and shared, the
// pack stands alone, and components take what they are given.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../harness/stackConfig";

/** Every .ts file below a folder of the project, relative to the project root. */
function sources(folder: string): string[] {
    return fs
        .readdirSync(path.join(projectRoot, folder), { recursive: true, withFileTypes: true })
        .filter(
            (entry) =>
                entry.isFile() && entry.name.endsWith(".ts") && !entry.parentPath.includes("node_modules"),
        )
        .map((entry) => path.relative(projectRoot, path.join(entry.parentPath, entry.name)));
}

/** What a file imports: packages by name, project files as paths relative to the project root. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
    return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map(([, specifier]) =>
        specifier.startsWith(".")
            ? path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), specifier))
            : specifier,
    );
}

/** `file imports target` for every import of the files in `folder` that `forbidden` matches. */
function importsMatching(folder: string, forbidden: (target: string) => boolean): string[] {
    return sources(folder).flatMap((file) =>
        importsOf(file)
            .filter(forbidden)
            .map((target) => `${file} imports ${target}`),
    );
}

const inside = (folder: string) => (target: string) => target === folder || target.startsWith(`${folder}/`);

describe("layout", () => {
    it("finds the imports it checks", () => {
        assert.ok(importsOf("policy/support/quotas.ts").includes("lib/kubernetes/limitRanger"));
        assert.ok(importsOf("index.ts").includes("@pulumi/pulumi"));
    });

    it("lib/ imports nothing but lib/ and Node: no Pulumi, no settings, no pack", () => {
        assert.deepStrictEqual(
            importsMatching("lib", (target) => !inside("lib")(target) && !/^(fs|path)$/.test(target)),
            [],
        );
    });

    it("the policy pack imports lib/ and its own files, never stacks/ or components/", () => {
        assert.deepStrictEqual(
            importsMatching("policy", (target) => inside("stacks")(target) || inside("components")(target)),
            [],
        );
    });

    it("components import lib/ and each other, never stacks/ or the pack", () => {
        assert.deepStrictEqual(
            importsMatching("components", (target) => inside("stacks")(target) || inside("policy")(target)),
            [],
        );
    });
});
