// One ConfigMap through the default Kubernetes provider (the KUBECONFIG of the environment).
"use strict";

const k8s = require("@pulumi/kubernetes");

const configMap = new k8s.core.v1.ConfigMap("bench-trivial", {
    metadata: { name: "bench-trivial", namespace: "default" },
    data: { purpose: "engine bench yardstick" },
});

module.exports = { name: configMap.metadata.name };
