// Local charts whose values schema refers to remote definitions. Helm resolves every `$ref` of a
// chart's values.schema.json when it renders the chart, so a `$ref` to an https:// URL means a
// download on every preview, which fails on a machine without internet. F5's nginx-ingress chart
// (2.6.4) has 64 of them (nginx/kubernetes-ingress#5374, #7193), and `helm.v4.Chart` has no switch
// to skip schema validation. For a chart read from a local directory or .tgz, the stack renders a
// copy whose remote references are replaced by schemas that accept any value; the rest of the
// schema still validates, and the API server still validates what the chart renders.

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

export interface OfflineChart {
    /** The directory to render from: the chart itself, or the copy without remote references. */
    path: string;
    /** The remote references dropped, e.g. `values.schema.json: https://...#/definitions/...`. */
    droppedReferences: string[];
}

type Json = unknown;

function isRemoteReference(reference: unknown): reference is string {
    return typeof reference === "string" && /^https?:\/\//i.test(reference);
}

/** The schema with every remote `$ref` replaced by an accept-anything schema; the URLs it dropped. */
export function withoutRemoteReferences(schema: Json): { schema: Json; dropped: string[] } {
    const dropped: string[] = [];
    const walk = (node: Json): Json => {
        if (Array.isArray(node)) {
            return node.map(walk);
        }
        if (typeof node !== "object" || node === null) {
            return node;
        }
        const entries = Object.entries(node as Record<string, Json>);
        const reference = (node as Record<string, Json>)["$ref"];
        if (isRemoteReference(reference)) {
            dropped.push(reference);
            return { $comment: `remote $ref not fetched: ${reference}` };
        }
        return Object.fromEntries(entries.map(([key, value]) => [key, walk(value)]));
    };
    return { schema: walk(schema), dropped };
}

/** Reads a .tgz chart archive (gzip'd ustar, with PAX long names) into path → contents. */
export function readChartArchive(archive: Buffer): Map<string, Buffer> {
    const tar = zlib.gunzipSync(archive);
    const files = new Map<string, Buffer>();
    let longName: string | undefined;
    for (let offset = 0; offset + 512 <= tar.length; ) {
        const header = tar.subarray(offset, offset + 512);
        if (header.every((byte) => byte === 0)) {
            break;
        }
        const field = (start: number, length: number) =>
            header
                .subarray(start, start + length)
                .toString("utf8")
                .replace(/\0.*$/s, "");
        const size = parseInt(field(124, 12).trim() || "0", 8);
        const type = field(156, 1);
        const prefix = field(345, 155);
        const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
        const body = tar.subarray(offset + 512, offset + 512 + size);
        longName = undefined;
        if (type === "x") {
            // PAX extended header: records "<length> <key>=<value>\n"; `path` names the next entry.
            const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
            longName = match?.[1];
        } else if (type === "L") {
            longName = body.toString("utf8").replace(/\0.*$/s, "");
        } else if (type === "0" || type === "") {
            files.set(name, Buffer.from(body));
        }
        offset += 512 + Math.ceil(size / 512) * 512;
    }
    return files;
}

/** Every file of a chart directory, path relative to it → contents. */
function readChartDirectory(directory: string): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    const visit = (relative: string) => {
        for (const entry of fs.readdirSync(path.join(directory, relative), { withFileTypes: true })) {
            const child = path.join(relative, entry.name);
            if (entry.isDirectory()) {
                visit(child);
            } else if (entry.isFile()) {
                files.set(child, fs.readFileSync(path.join(directory, child)));
            }
        }
    };
    visit("");
    return files;
}

/**
 * The chart at `chartPath` (a directory or a .tgz) ready to render offline. A chart without
 * remote references is rendered where it is; otherwise from a copy under `cacheDirectory`, named
 * by the chart's content so that the same chart always maps to the same copy.
 */
export function offlineChart(chartPath: string, cacheDirectory: string): OfflineChart {
    const isArchive = fs.statSync(chartPath).isFile();
    const files = isArchive ? readChartArchive(fs.readFileSync(chartPath)) : readChartDirectory(chartPath);
    const dropped: string[] = [];
    const rewritten = new Map<string, Buffer>();
    for (const [name, contents] of files) {
        if (path.basename(name) !== "values.schema.json") {
            continue;
        }
        const result = withoutRemoteReferences(JSON.parse(contents.toString("utf8")));
        if (result.dropped.length > 0) {
            dropped.push(...result.dropped.map((reference) => `${name}: ${reference}`));
            rewritten.set(name, Buffer.from(JSON.stringify(result.schema, null, 2)));
        }
    }
    if (dropped.length === 0) {
        return { path: chartPath, droppedReferences: [] };
    }
    const digest = crypto.createHash("sha256");
    for (const name of [...files.keys()].sort()) {
        digest.update(name).update("\0").update(files.get(name)!);
    }
    const copy = path.join(
        cacheDirectory,
        `${path.basename(chartPath).replace(/\.tgz$/, "")}-${digest.digest("hex").slice(0, 16)}`,
    );
    if (!fs.existsSync(copy)) {
        const staging = `${copy}.${process.pid}.tmp`;
        for (const [name, contents] of files) {
            const target = path.join(staging, name);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, rewritten.get(name) ?? contents);
        }
        try {
            fs.renameSync(staging, copy);
        } catch (error) {
            // Another run made the same copy meanwhile.
            fs.rmSync(staging, { recursive: true, force: true });
            if (!fs.existsSync(copy)) {
                throw error;
            }
        }
    }
    // An archive holds one top-level folder, the chart's.
    const root = isArchive ? path.join(copy, fs.readdirSync(copy)[0]) : copy;
    return { path: root, droppedReferences: dropped };
}
