// Turns raw stack config into StackSettings, or throws a SettingsError listing every problem.
//
// Each problem names the config path as `pulumi config set --path` spells it
// (`metallb.reservations[0].address`) and the offending value. Validation runs before any resource
// is declared, so a bad setting never half-applies. Each section has its reader in
// stacks/sections/; the rules between sections are in stacks/crossSectionRules.ts, checked as soon
// as the sections they relate are read, so that problems are listed in the order of the settings.

import {
    chartValuesKeepGovernedKeys,
    clusterRangesAvoidGeneralPool,
    ingressReservedAddress,
    workflowNamespacesAreGoverned,
    workflowPodsFit,
} from "./crossSectionRules";
import { Problems } from "./problems";
import { unknownKeyMessage } from "./reader";
import { readAdmissionGuard } from "./sections/admissionGuard";
import { readArgo } from "./sections/argo";
import { readCharts } from "./sections/charts";
import { readDnsProbe } from "./sections/dnsProbe";
import { readIngress } from "./sections/ingress";
import { readMetallb } from "./sections/metallb";
import { readNamespaces } from "./sections/namespaces";
import { readNetwork } from "./sections/network";
import { readServices } from "./sections/services";
import { StackSettings } from "./settings";

/** Config as read from the stack: one entry per top-level key, not yet trusted (unknown keys included). */
export type RawSettings = Partial<Record<SettingKey, unknown>> & Record<string, unknown>;

export const settingKeys = [
    "network",
    "metallb",
    "ingress",
    "argo",
    "namespaces",
    "services",
    "dnsProbe",
    "charts",
    "skipAwait",
    "admissionGuard",
] as const;
export type SettingKey = (typeof settingKeys)[number];

/** Validates raw config into StackSettings, reporting every problem at once. */
export function validateSettings(raw: RawSettings): StackSettings {
    const problems = new Problems();
    for (const key of Object.keys(raw)) {
        if (!(settingKeys as readonly string[]).includes(key)) {
            problems.invalid(key, raw[key], unknownKeyMessage(key, settingKeys));
        }
    }
    const charts = readCharts(problems, raw.charts);
    const network = readNetwork(problems, raw.network);
    const metallb = readMetallb(problems, raw.metallb, charts, network.ranges.lanCidr);
    clusterRangesAvoidGeneralPool(problems, network, metallb.settings, metallb.generalRange);

    const ingress = readIngress(problems, raw.ingress, charts);
    ingress.reservedAddress = ingressReservedAddress(problems, ingress, metallb.settings, network);

    const argo = readArgo(problems, raw.argo, charts);
    const services = readServices(problems, raw.services);
    const namespaces = readNamespaces(problems, raw.namespaces, services);
    workflowNamespacesAreGoverned(problems, argo, namespaces);
    workflowPodsFit(problems, argo, namespaces);
    chartValuesKeepGovernedKeys(problems, ingress, argo);

    const dnsProbe = readDnsProbe(problems, raw.dnsProbe);
    const skipAwait = raw.skipAwait ?? false;
    if (typeof skipAwait !== "boolean") {
        problems.invalid("skipAwait", skipAwait, "must be true or false");
    }

    const admissionGuard = readAdmissionGuard(problems, raw.admissionGuard);

    problems.throwIfAny();
    return {
        network: network.settings,
        metallb: metallb.settings,
        ingress,
        argo,
        namespaces,
        services,
        dnsProbe,
        skipAwait: skipAwait === true,
        admissionGuard,
    };
}
