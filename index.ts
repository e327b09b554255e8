// The homelab MLOps platform: composes the components from the stack's validated settings,
// handing each one the parts it uses.

import * as pulumi from "@pulumi/pulumi";
import { AdmissionGuard } from "./components/admissionGuard";
import { ArgoWorkflows } from "./components/argo";
import { IngressController } from "./components/ingress";
import { Metallb } from "./components/metallb";
import { NamespaceGovernance } from "./components/namespaceGovernance";
import { ServiceDiscovery } from "./components/serviceDiscovery";
import { planPools } from "./lib/metallb/poolLayout";
import { addressMapTitle, mapAddresses, renderAddressMap } from "./cli/addressMap";
import { addressPlanOf } from "./stacks/addressPlan";
import { loadStackSettingsOrStop } from "./stacks/config";
import { admissionGuardParametersOf } from "./stacks/guardParameters";
import { reservationOwnersOf } from "./stacks/reservationOwners";

// Stops the run with every bad setting listed, before any resource is declared.
const settings = loadStackSettingsOrStop();

// The general pool split around every reservation, and a pool for each reserved address.
const pools = planPools(settings.metallb);

// The admission guard's parameters go in first and its bindings last: every update is judged by
// the settings it applies, and `pulumi destroy` lifts the guard before removing what it guards.
let guardComponents: (components: pulumi.Resource[]) => void = () => undefined;
const guard = new AdmissionGuard("admission-guard", {
    validationActions: settings.admissionGuard.validationActions,
    parameters: admissionGuardParametersOf(settings, pools),
    namespaces: {
        governed: settings.namespaces.map((namespace) => namespace.name),
        workflow: settings.argo.workflowNamespaces,
        metallb: settings.metallb.namespace,
    },
    guarded: new Promise<pulumi.Resource[]>((resolve) => (guardComponents = resolve)),
});
const afterGuardParameters = { dependsOn: [guard.parameters] };

const metallb = new Metallb(
    "metallb",
    {
        namespace: settings.metallb.namespace,
        releaseName: settings.metallb.releaseName,
        chart: settings.metallb.chart,
        chartValues: settings.metallb.chartValues,
        pools,
        // Each reserved pool serves the Service it is reserved for alone (the ingress controller's).
        reservedFor: Object.fromEntries(
            reservationOwnersOf(settings).map((owner) => [
                owner.pool,
                { namespaces: [owner.namespace], serviceSelectors: [{ matchLabels: owner.labels }] },
            ]),
        ),
        l2AdvertisementName: settings.metallb.l2AdvertisementName,
        skipAwait: settings.skipAwait,
    },
    afterGuardParameters,
);

const ingress = new IngressController(
    "ingress",
    {
        ingress: settings.ingress,
        addressPools: metallb.pools,
        skipAwait: settings.skipAwait,
    },
    afterGuardParameters,
);

const governance = new NamespaceGovernance(
    "namespace-governance",
    {
        namespaces: settings.namespaces,
        services: settings.services,
        network: settings.network,
    },
    afterGuardParameters,
);

const argo = new ArgoWorkflows(
    "argo-workflows",
    {
        argo: settings.argo,
        workflowNamespaceResources: Object.values(governance.namespaces),
        skipAwait: settings.skipAwait,
    },
    afterGuardParameters,
);

const discovery = new ServiceDiscovery(
    "service-discovery",
    {
        namespaces: settings.argo.workflowNamespaces,
        services: settings.services,
        clusterDomain: settings.network.clusterDomain,
        dnsProbe: settings.dnsProbe,
        governance: [governance],
        skipAwait: settings.skipAwait,
    },
    afterGuardParameters,
);

guardComponents([metallb, ingress, governance, argo, discovery]);

/** The address the ingress controller's LoadBalancer Service requests, e.g. 192.168.1.249. */
export const ingressAddress = settings.ingress.reservedAddress;
/** The MetalLB pool that holds only that address. */
export const ingressPool = settings.ingress.reservation;
/** The auto-assign pool's addresses, with every reserved address cut out. */
export const generalPoolAddresses = pools.generalPool.addresses;
/** Reserved pool name → its single address. */
export const reservedPools = Object.fromEntries(pools.reservedPools.map((pool) => [pool.name, pool.address]));
/** Workflow variable → cluster-DNS URL, as published in each workflow namespace's `platform-endpoints`. */
export const serviceEndpoints = discovery.endpoints;
/** Where workflows reach MLflow: its cluster-DNS name, not a LoadBalancer IP. */
export const mlflowTrackingUri = discovery.endpoints["MLFLOW_TRACKING_URI"];
export const workflowNamespaces = settings.argo.workflowNamespaces;
/**
 * Which address of the LAN is whose in the settings' plan (pools, reservations, the hosts' part):
 * the table `npm run addresses` prints offline. A plain string, known during preview.
 */
export const addressPlan = (() => {
    const plan = addressPlanOf(settings);
    return renderAddressMap(mapAddresses(plan), addressMapTitle(pulumi.getStack(), plan));
})();
