// The README and docs/ as a reader follows them: every relative link reaches a file, every
// `#anchor` a heading of that file (GitHub's heading ids), the front page stays short, and the
// Node.js it names is the one package.json's `engines` asks for.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../harness/stackConfig";

function markdownFiles(): string[] {
    const files = ["README.md"];
    const walk = (folder: string) => {
        for (const entry of fs.readdirSync(path.join(projectRoot, folder), { withFileTypes: true })) {
            const relative = path.join(folder, entry.name);
            if (entry.isDirectory()) {
                walk(relative);
            } else if (entry.name.endsWith(".md")) {
                files.push(relative);
            }
        }
    };
    walk("docs");
    return files;
}

/** The text outside fenced code blocks and inline code, where links and headings are read. */
function prose(text: string): string[] {
    let fenced = false;
    return text.split("\n").map((line) => {
        if (/^\s*(```|~~~)/.test(line)) {
            fenced = !fenced;
            return "";
        }
        return fenced ? "" : line.replace(/`[^`]*`/g, "");
    });
}

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingIds(text: string): Set<string> {
    const ids = new Set<string>();
    const seen = new Map<string, number>();
    let fenced = false;
    for (const line of text.split("\n")) {
        if (/^\s*(```|~~~)/.test(line)) {
            fenced = !fenced;
            continue;
        }
        const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (!heading) {
            continue;
        }
        const base = heading[1]
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, "")
            .replace(/\s/g, "-");
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        ids.add(count === 0 ? base : `${base}-${count}`);
    }
    return ids;
}

interface Link {
    file: string;
    line: number;
    target: string;
}

function linksOf(file: string): Link[] {
    const links: Link[] = [];
    prose(fs.readFileSync(path.join(projectRoot, file), "utf8")).forEach((line, index) => {
        for (const match of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
            links.push({ file, line: index + 1, target: match[1] });
        }
    });
    return links;
}

describe("README and docs/", () => {
    const files = markdownFiles();

    it("every relative link reaches a file, and every anchor a heading in it", () => {
        const broken: string[] = [];
        const links = files.flatMap(linksOf).filter((link) => !/^[a-z]+:/.test(link.target));
        assert.ok(links.length > 20, `only ${links.length} relative links found`);
        for (const link of links) {
            const [target, anchor] = link.target.split("#");
            const resolved = target ? path.join(path.dirname(link.file), target) : link.file;
            const where = `${link.file}:${link.line} → ${link.target}`;
            if (!fs.existsSync(path.join(projectRoot, resolved))) {
                broken.push(`${where}: no file ${resolved}`);
                continue;
            }
            if (anchor !== undefined) {
                const text = resolved.endsWith(".md")
                    ? fs.readFileSync(path.join(projectRoot, resolved), "utf8")
                    : "";
                if (!headingIds(text).has(anchor)) {
                    broken.push(`${where}: no heading #${anchor} in ${resolved}`);
                }
            }
        }
        assert.deepStrictEqual(broken, []);
    });

    it("every page of docs/ is reached from the README or another page", () => {
        const reached = new Set(
            files
                .flatMap(linksOf)
                .filter((link) => !/^[a-z]+:/.test(link.target) && link.target.split("#")[0] !== "")
                .map((link) => path.join(path.dirname(link.file), link.target.split("#")[0])),
        );
        assert.deepStrictEqual(
            files.filter((file) => file !== "README.md" && !reached.has(file)),
            [],
        );
    });

    it("the README's front page is at most about 200 lines", () => {
        const lines = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8").trimEnd().split("\n");
        assert.ok(lines.length <= 210, `README.md has ${lines.length} lines`);
    });

    it("the README names the Node.js that package.json's engines asks for", () => {
        const engines = (
            JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as {
                engines: { node: string };
            }
        ).engines.node;
        const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
        assert.ok(
            readme.includes(`\`engines\`: \`${engines}\``),
            `README.md does not say engines: ${engines}`,
        );
    });
});
