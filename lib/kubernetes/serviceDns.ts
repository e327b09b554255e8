// How pods reach a Service by name: cluster DNS gives every Service `<name>.<namespace>.svc.<domain>`.

/** A Service's cluster-DNS name, e.g. `mlflow.mlflow.svc.cluster.local`. */
export function serviceHostname(name: string, namespace: string, clusterDomain: string): string {
    return `${name}.${namespace}.svc.${clusterDomain}`;
}

/** A port of a Service, reached by scheme, e.g. MLflow's `http` on 5000. */
export interface ServicePort {
    namespace: string;
    service: string;
    port: number;
    scheme: string;
}

/** The cluster-DNS URL of a Service's port, e.g. `http://mlflow.mlflow.svc.cluster.local:5000`. */
export function serviceUrl(target: ServicePort, clusterDomain: string): string {
    return `${target.scheme}://${serviceHostname(target.service, target.namespace, clusterDomain)}:${target.port}`;
}
