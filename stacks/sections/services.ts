// `services`: the in-cluster services workflows reach by cluster DNS name, each published under a
// variable of its own.

import { Problems } from "../problems";
import { isPort, Reader } from "../reader";
import { ServiceEndpoint } from "../settings";

const environmentVariable = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readServices(problems: Problems, raw: unknown): ServiceEndpoint[] {
    const reader = Reader.of(problems, "services", raw);
    const variables = new Map<string, string>();
    return reader.entries().map(([key]) => {
        const entry = reader.object(key);
        const port = entry.peek("port");
        if (!isPort(port)) {
            problems.invalid(entry.pathOf("port"), port, "is not a port number (1-65535)");
        }
        const endpoint = {
            key,
            namespace: entry.name("namespace"),
            service: entry.name("service"),
            port: typeof port === "number" ? port : 0,
            scheme: entry.oneOf("scheme", ["http", "https", "grpc", "tcp"]),
            variable: entry.string("variable", environmentVariable, "a valid environment variable name"),
        };
        // Each workflow namespace's endpoints ConfigMap maps a variable to one URL.
        const variablePath = entry.pathOf("variable");
        const owner = variables.get(endpoint.variable);
        if (endpoint.variable !== "" && owner) {
            problems.invalid(variablePath, endpoint.variable, `is already used by ${owner}`);
        }
        variables.set(endpoint.variable, variablePath);
        return endpoint;
    });
}
