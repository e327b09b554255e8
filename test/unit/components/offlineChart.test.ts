import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { offlineChart, withoutRemoteReferences } from "../../../components/offlineChart";

const fixtures = path.resolve(__dirname, "..", "..", "fixtures", "charts");
const remote =
    "https://raw.githubusercontent.com/nginxinc/kubernetes-json-schema/master/v1.36.1/_definitions.json#/definitions/io.k8s.api.core.v1.Container/properties/imagePullPolicy";

describe("offline charts", () => {
    let cache: string;

    beforeEach(() => {
        cache = fs.mkdtempSync(path.join(os.tmpdir(), "charts-"));
    });

    afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

    it("drops remote $refs and keeps local ones and everything else", () => {
        const { schema, dropped } = withoutRemoteReferences({
            type: "object",
            definitions: { port: { type: "integer" } },
            properties: {
                pullPolicy: { $ref: remote },
                port: { $ref: "#/definitions/port" },
                list: { type: "array", items: [{ $ref: "http://example.org/item.json" }] },
            },
        });
        assert.deepStrictEqual(dropped, [remote, "http://example.org/item.json"]);
        assert.deepStrictEqual(schema, {
            type: "object",
            definitions: { port: { type: "integer" } },
            properties: {
                pullPolicy: { $comment: `remote $ref not fetched: ${remote}` },
                port: { $ref: "#/definitions/port" },
                list: {
                    type: "array",
                    items: [{ $comment: "remote $ref not fetched: http://example.org/item.json" }],
                },
            },
        });
    });

    it("renders a chart without remote references where it is", () => {
        const chart = path.join(fixtures, "ingress-nginx");
        assert.deepStrictEqual(offlineChart(chart, cache), { path: chart, droppedReferences: [] });
        assert.deepStrictEqual(fs.readdirSync(cache), []);
    });

    it("copies a chart directory with remote references, once, without them", () => {
        const chart = path.join(fixtures, "nginx-ingress");
        const first = offlineChart(chart, cache);
        assert.deepStrictEqual(first.droppedReferences.length, 2);
        assert.ok(
            first.droppedReferences[1].startsWith("values.schema.json: https://"),
            first.droppedReferences[1],
        );
        assert.ok(first.path.startsWith(path.join(cache, "nginx-ingress-")), first.path);
        const schema = fs.readFileSync(path.join(first.path, "values.schema.json"), "utf8");
        assert.ok(!schema.includes('"$ref": "https'), schema);
        assert.strictEqual(
            fs.readFileSync(path.join(first.path, "templates", "controller-service.yaml"), "utf8"),
            fs.readFileSync(path.join(chart, "templates", "controller-service.yaml"), "utf8"),
        );
        assert.deepStrictEqual(offlineChart(chart, cache), first);
        assert.strictEqual(fs.readdirSync(cache).length, 1);
    });

    it("reads a .tgz chart, as `helm pull` saves it", () => {
        const archive = path.join(cache, "nginx-ingress-2.6.4.tgz");
        execFileSync("tar", ["czf", archive, "-C", fixtures, "nginx-ingress"]);
        const result = offlineChart(archive, path.join(cache, "copies"));
        assert.strictEqual(result.droppedReferences.length, 2);
        assert.strictEqual(path.basename(result.path), "nginx-ingress");
        assert.ok(fs.existsSync(path.join(result.path, "Chart.yaml")));
        assert.ok(
            !fs.readFileSync(path.join(result.path, "values.schema.json"), "utf8").includes('"$ref": "https'),
        );
    });
});
