// Where a Helm chart comes from.

/** A chart in a repository at an exact version (default), or a local directory or `.tgz` for air-gapped clusters. */
export type ChartSource =
    | { kind: "repository"; chart: string; version: string; repository: string }
    | { kind: "path"; path: string };
