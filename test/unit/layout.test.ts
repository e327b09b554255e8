// The layout's rules, checked on the imports of every source file: lib/ is pure and shared, the
// pack stands alone, components take what they are given, and what only development uses (hack/:
// the toolchain, the local cluster and its harness, the demo, the bench) stays out of the product.

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

    it("the policy pack imports lib/, its own files and packages, nothing else of the project", () => {
        const project = ["lib", "policy"];
        assert.deepStrictEqual(
            importsMatching(
                "policy",
                (target) =>
                    !target.startsWith("@") &&
                    target.includes("/") &&
                    !project.some((folder) => inside(folder)(target)),
            ),
            [],
        );
    });

    it("only hack/ and test/ import hack/, the development folder; hack/ imports nothing of test/", () => {
        const product = ["index.ts", "components", "lib", "stacks", "policy", "cli"];
        assert.ok(importsOf("hack/demo.ts").includes("hack/cluster/cluster"));
        assert.deepStrictEqual(
            product.flatMap((folder) =>
                folder.endsWith(".ts")
                    ? importsOf(folder)
                          .filter(inside("hack"))
                          .map((target) => `${folder} imports ${target}`)
                    : importsMatching(folder, inside("hack")),
            ),
            [],
        );
        assert.deepStrictEqual(importsMatching("hack", inside("test")), []);
    });

    it("the settings model and the components never import cli/, the operator's commands", () => {
        assert.ok(importsOf("index.ts").includes("cli/addressMap"));
        assert.deepStrictEqual(
            ["stacks", "components"].flatMap((folder) => importsMatching(folder, inside("cli"))),
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
