// The bundler that builds the program (program/build.js) and the pack (policy/build.js):
// a build is redone exactly when a file it read is newer, and a copy without sources keeps its bundle.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

interface Bundle {
    build(): void;
    buildIfStale(): void;
    isStale(): boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle } = require("../../policy/build") as {
    bundle(options: { entry: string; outfile: string; packages?: string }): Bundle;
};

describe("the bundler", () => {
    let directory: string;
    let entry: string;
    let helper: string;
    let outfile: string;
    let program: Bundle;

    beforeEach(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-"));
        entry = path.join(directory, "index.ts");
        helper = path.join(directory, "greeting.ts");
        outfile = path.join(directory, "bin", "index.js");
        fs.writeFileSync(helper, 'export const greeting: string = "hello";\n');
        fs.writeFileSync(entry, 'import { greeting } from "./greeting";\nexport const said = greeting;\n');
        program = bundle({ entry, outfile, packages: "external" });
    });

    afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

    /** Sets a file's modification time `seconds` from now. */
    function touch(file: string, seconds: number): void {
        const time = new Date(Date.now() + seconds * 1000);
        fs.utimesSync(file, time, time);
    }

    function load(): unknown {
        const source = fs.readFileSync(outfile, "utf8");
        const module = { exports: {} as Record<string, unknown> };
        new Function("module", "exports", "require", source)(module, module.exports, require);
        return module.exports.said;
    }

    it("is stale before the first build, and builds one file with a source map and no partial files", () => {
        assert.strictEqual(program.isStale(), true);
        program.buildIfStale();
        assert.strictEqual(load(), "hello");
        assert.match(fs.readFileSync(outfile, "utf8"), /\/\/# sourceMappingURL=index\.js\.map\s*$/);
        assert.deepStrictEqual(fs.readdirSync(path.dirname(outfile)).sort(), [
            "index.inputs.json",
            "index.js",
            "index.js.map",
        ]);
        assert.strictEqual(program.isStale(), false);
    });

    it("rebuilds when an imported file is newer than the bundle, and only then", () => {
        touch(entry, -10);
        touch(helper, -10);
        program.build();
        const builtAt = fs.statSync(outfile).mtimeMs;
        program.buildIfStale();
        assert.strictEqual(fs.statSync(outfile).mtimeMs, builtAt, "rebuilt with nothing changed");

        fs.writeFileSync(helper, 'export const greeting: string = "hello again";\n');
        touch(helper, 5);
        assert.strictEqual(program.isStale(), true);
        program.buildIfStale();
        assert.strictEqual(load(), "hello again");
    });

    it("rebuilds when an imported file is gone, and then names it", () => {
        program.build();
        fs.rmSync(helper);
        assert.strictEqual(program.isStale(), true);
        assert.throws(() => program.buildIfStale(), /Could not resolve "\.\/greeting"/);
    });

    it("keeps the bundle of a copy that has no sources (a packed pack)", () => {
        program.build();
        fs.rmSync(entry);
        fs.rmSync(helper);
        program.buildIfStale();
        assert.strictEqual(load(), "hello");
    });
});
