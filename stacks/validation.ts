// Turns raw stack config into StackSettings, or throws a SettingsError listing every problem.
//
// Each problem names the config path as `pulumi config set --path` spells it
// (`metallb.reservations[0].address`) and the offending value. Validation runs before any resource
// is declared, so a bad setting never half-applies.

import { describeEntryProblem, readPoolEntry } from "./metallbAddresses";
import {
    formatAddressRange,
    parseCidr,
    parseIp,
    rangeContains,
    rangeCovers,
    rangesOverlap,
    IpRange,
} from "./network";
import { planPools } from "./pools";
import { Problems } from "./problems";
import { formatQuantity, parseQuantity } from "./quantity";
import { quantityStorageProblem, quotaKeyProblem, quotaValueProblem } from "./resourceQuota";
import {
    ArgoSettings,
    ChartSource,
    ContainerResources,
    DnsProbeSettings,
    GovernedNamespace,
    ImagePullPolicy,
    IngressController,
    LimitRangeSettings,
    MetallbSettings,
    NetworkSettings,
    ResourceName,
    ServiceEndpoint,
    StackSettings,
} from "./settings";

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
] as const;
export type SettingKey = (typeof settingKeys)[number];

const resourceNames: ResourceName[] = ["cpu", "memory"];
/** The charts a stack may take from a repository or a path (`charts.<name>`). */
const chartNames = ["metallb", "ingress-nginx", "nginx-ingress", "argo-workflows"] as const;
const ingressControllers: IngressController[] = ["ingress-nginx", "nginx-ingress"];
const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const environmentVariable = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Json = Record<string, unknown>;

/** Edit distance between two keys (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution =
                previous[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1);
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
        }
        previous = current;
    }
    return previous[b.length];
}

/** "is not a setting here", with the nearest known key when one is close enough to be a typo. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
    const ranked = [...known].sort((a, b) => editDistance(key, a) - editDistance(key, b));
    const best = ranked[0];
    // Close enough to be a typo: one edit for short keys, about a quarter of a long one.
    const tolerance =
        best === undefined ? 0 : best.length <= 4 ? 1 : Math.max(2, Math.floor(best.length / 4));
    if (best !== undefined && editDistance(key, best) <= tolerance) {
        return `is not a setting here; did you mean "${best}"?`;
    }
    return `is not a setting here (known: ${[...known].sort().join(", ") || "none"})`;
}

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads typed fields from one config object, recording problems under its path. Every key it is
 * asked for is noted; when the reading is done, any other key of the object is reported as
 * unknown, with the nearest known key as a suggestion (a typo is not silently dropped).
 */
class Reader {
    private readonly asked = new Set<string>();
    /** A map keyed by names of the user's choosing (namespaces, services): any key is fine. */
    private freeKeys = false;

    constructor(
        private readonly problems: Problems,
        readonly path: string,
        readonly value: Json,
    ) {
        problems.atEnd(() => this.reportUnknownKeys());
    }

    static of(problems: Problems, path: string, value: unknown): Reader {
        if (value === undefined) {
            problems.missing(path, "an object");
            return new Reader(problems, path, {});
        }
        if (!isObject(value)) {
            problems.invalid(path, value, "must be an object");
            return new Reader(problems, path, {});
        }
        return new Reader(problems, path, value);
    }

    /** The raw value of a key, noted as known. */
    peek(key: string): unknown {
        this.asked.add(key);
        return this.value[key];
    }

    private reportUnknownKeys(): void {
        if (this.freeKeys) {
            return;
        }
        for (const key of Object.keys(this.value)) {
            if (!this.asked.has(key)) {
                this.problems.invalid(
                    this.pathOf(key),
                    this.value[key],
                    unknownKeyMessage(key, [...this.asked]),
                );
            }
        }
    }

    pathOf(key: string): string {
        return key.includes(".") || key.includes("/") ? `${this.path}["${key}"]` : `${this.path}.${key}`;
    }

    object(key: string): Reader {
        return Reader.of(this.problems, this.pathOf(key), this.peek(key));
    }

    string(key: string, pattern?: RegExp, patternMeaning?: string): string {
        const value = this.peek(key);
        if (value === undefined) {
            this.problems.missing(this.pathOf(key), "a string");
            return "";
        }
        if (typeof value !== "string" || value.trim() === "") {
            this.problems.invalid(this.pathOf(key), value, "must be a non-empty string");
            return "";
        }
        if (pattern && !pattern.test(value)) {
            this.problems.invalid(this.pathOf(key), value, `is not ${patternMeaning}`);
        }
        return value;
    }

    name(key: string): string {
        return this.string(key, dns1123Label, "a valid Kubernetes name (lowercase DNS-1123 label)");
    }

    /** A boolean, or `fallback` when the key is left out. */
    optionalBoolean(key: string, fallback: boolean): boolean {
        const value = this.peek(key);
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "boolean") {
            this.problems.invalid(this.pathOf(key), value, "must be true or false");
            return fallback;
        }
        return value;
    }

    /** Like oneOf, but the key may be left out: then `fallback`. */
    optionalOneOf<T extends string>(key: string, choices: readonly T[], fallback: T): T {
        return this.peek(key) === undefined ? fallback : this.oneOf(key, choices);
    }

    oneOf<T extends string>(key: string, choices: readonly T[]): T {
        const value = this.string(key);
        if (value !== "" && !choices.includes(value as T)) {
            this.problems.invalid(this.pathOf(key), value, `must be one of ${choices.join(", ")}`);
        }
        return value as T;
    }

    list(key: string): { path: string; value: unknown }[] {
        const value = this.peek(key);
        if (value === undefined) {
            this.problems.missing(this.pathOf(key), "a list");
            return [];
        }
        if (!Array.isArray(value)) {
            this.problems.invalid(this.pathOf(key), value, "must be a list");
            return [];
        }
        return value.map((item, index) => ({ path: `${this.pathOf(key)}[${index}]`, value: item }));
    }

    names(key: string): string[] {
        return this.list(key).map(({ path, value }) => {
            if (typeof value !== "string" || !dns1123Label.test(value)) {
                this.problems.invalid(
                    path,
                    value,
                    "is not a valid Kubernetes name (lowercase DNS-1123 label)",
                );
                return "";
            }
            return value;
        });
    }

    /** Every key and value, for a map whose keys the user chooses. */
    entries(): [string, unknown][] {
        this.freeKeys = true;
        return Object.entries(this.value);
    }
}

function readNetwork(
    problems: Problems,
    raw: unknown,
): { settings: NetworkSettings; ranges: Record<string, IpRange | undefined> } {
    const reader = Reader.of(problems, "network", raw);
    const settings: NetworkSettings = {
        lanCidr: reader.string("lanCidr"),
        podCidr: reader.string("podCidr"),
        serviceCidr: reader.string("serviceCidr"),
        clusterDomain: reader.string("clusterDomain", dns1123Subdomain, "a valid DNS domain"),
    };
    const ranges = {
        lanCidr: readCidr(problems, reader, "lanCidr", settings.lanCidr),
        podCidr: readCidr(problems, reader, "podCidr", settings.podCidr),
        serviceCidr: readCidr(problems, reader, "serviceCidr", settings.serviceCidr),
    };
    const clusterRanges = [
        ["podCidr", ranges.podCidr],
        ["serviceCidr", ranges.serviceCidr],
    ] as const;
    for (const [key, range] of clusterRanges) {
        if (range && ranges.lanCidr && rangesOverlap(range, ranges.lanCidr)) {
            problems.conflict(
                `network.${key}: "${settings[key]}" overlaps network.lanCidr "${settings.lanCidr}": ` +
                    "pod and service addresses must not shadow the home network (a common cause of in-cluster DNS timeouts)",
            );
        }
    }
    if (ranges.podCidr && ranges.serviceCidr && rangesOverlap(ranges.podCidr, ranges.serviceCidr)) {
        problems.conflict(
            `network.serviceCidr: "${settings.serviceCidr}" overlaps network.podCidr "${settings.podCidr}"`,
        );
    }
    return { settings, ranges };
}

function readCidr(problems: Problems, reader: Reader, key: string, text: string): IpRange | undefined {
    if (text === "") {
        return undefined;
    }
    const cidr = parseCidr(text);
    if (!cidr) {
        problems.invalid(reader.pathOf(key), text, "is not a valid CIDR (network address / prefix length)");
    }
    return cidr;
}

function readChart(charts: Reader, name: string): ChartSource {
    const reader = charts.object(name);
    if (reader.peek("path") !== undefined) {
        return { kind: "path", path: reader.string("path") };
    }
    return {
        kind: "repository",
        chart: name,
        version: reader.string(
            "version",
            /^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/,
            "an exact chart version",
        ),
        repository: reader.string("repository", /^(https?|oci):\/\/\S+$/, "an http(s):// or oci:// URL"),
    };
}

function readMetallb(
    problems: Problems,
    raw: unknown,
    charts: Reader,
    lan: IpRange | undefined,
): { settings: MetallbSettings; generalRange?: IpRange } {
    const reader = Reader.of(problems, "metallb", raw);
    const generalPool = reader.object("generalPool");
    // Any string goes to the pool-entry parser, the empty one included, so it is refused in MetalLB's terms.
    const writtenRange = generalPool.peek("addresses");
    const settings: MetallbSettings = {
        namespace: reader.name("namespace"),
        releaseName: reader.name("releaseName"),
        chart: readChart(charts, "metallb"),
        generalPoolName: generalPool.name("name"),
        generalRange: typeof writtenRange === "string" ? writtenRange : generalPool.string("addresses"),
        reservations: [],
        l2AdvertisementName: reader.name("l2AdvertisementName"),
    };
    const rangePath = generalPool.pathOf("addresses");
    let generalRange: IpRange | undefined;
    if (typeof writtenRange === "string") {
        // Read as MetalLB reads a pool entry; one that MetalLB rejects, or reads otherwise than
        // written, is refused with the words the policy pack uses.
        const reading = readPoolEntry(settings.generalRange);
        const problem = describeEntryProblem(reading);
        if (problem !== undefined) {
            problems.invalid(rangePath, settings.generalRange, problem);
        } else if (reading.accepted && reading.range) {
            generalRange = reading.range;
            if (lan && !rangeCovers(lan, generalRange)) {
                problems.invalid(
                    rangePath,
                    settings.generalRange,
                    `is not inside network.lanCidr "${formatAddressRange(lan)}"`,
                );
            }
        }
    }
    const seenAddresses = new Map<string, string>();
    const seenPools = new Map<string, string>([[settings.generalPoolName, generalPool.pathOf("name")]]);
    for (const { path, value } of reader.list("reservations")) {
        const entry = Reader.of(problems, path, value);
        const reservation = { pool: entry.name("pool"), address: entry.string("address") };
        settings.reservations.push(reservation);
        const poolOwner = seenPools.get(reservation.pool);
        if (reservation.pool !== "" && poolOwner) {
            problems.invalid(entry.pathOf("pool"), reservation.pool, `is already used by ${poolOwner}`);
        }
        seenPools.set(reservation.pool, entry.pathOf("pool"));
        if (reservation.address === "") {
            continue;
        }
        const address = parseIp(reservation.address);
        const addressPath = entry.pathOf("address");
        if (!address) {
            problems.invalid(addressPath, reservation.address, "is not an IP address");
            continue;
        }
        const key = `${address.family}:${address.value}`;
        const addressOwner = seenAddresses.get(key);
        if (addressOwner) {
            problems.invalid(addressPath, reservation.address, `is already reserved by ${addressOwner}`);
        }
        seenAddresses.set(key, addressPath);
        if (
            lan &&
            lan.family === address.family &&
            (address.value === lan.first || address.value === lan.last)
        ) {
            const which = address.value === lan.first ? "network" : "broadcast";
            problems.invalid(
                addressPath,
                reservation.address,
                `is the ${which} address of network.lanCidr "${formatAddressRange(lan)}": no host on the LAN can reach a Service there`,
            );
        }
        if (generalRange && !rangeContains(generalRange, address)) {
            problems.invalid(
                addressPath,
                reservation.address,
                `is outside ${rangePath} "${settings.generalRange}": a reservation is carved out of the general range`,
            );
        }
    }
    if (generalRange) {
        const reservedInside = [...seenAddresses.keys()].filter((key) => {
            const [family, value] = key.split(":");
            return (
                Number(family) === generalRange.family &&
                rangeContains(generalRange, { family: generalRange.family, value: BigInt(value) })
            );
        }).length;
        if (BigInt(reservedInside) === generalRange.last - generalRange.first + 1n) {
            problems.invalid(
                rangePath,
                settings.generalRange,
                "leaves no address for the general pool once metallb.reservations are cut out: MetalLB refuses a pool without addresses",
            );
        }
    }
    return { settings, generalRange };
}

function readResourceMap(
    problems: Problems,
    reader: Reader,
    key: string,
    required: ResourceName[],
): Partial<Record<ResourceName, string>> {
    const result: Partial<Record<ResourceName, string>> = {};
    const absent = reader.peek(key) === undefined;
    if (absent && required.length > 0) {
        problems.missing(reader.pathOf(key), `an object with ${required.join(" and ")}`);
    }
    if (absent) {
        return result;
    }
    const map = reader.object(key);
    for (const [name, value] of map.entries()) {
        if (!resourceNames.includes(name as ResourceName)) {
            problems.invalid(
                map.pathOf(name),
                value,
                `is not a container resource this stack sets (${resourceNames.join(", ")})`,
            );
            continue;
        }
        if ((typeof value !== "string" && typeof value !== "number") || parseQuantity(value) === undefined) {
            problems.invalid(
                map.pathOf(name),
                value,
                "is not a Kubernetes quantity (e.g. 500m, 2, 256Mi, 1Gi)",
            );
            continue;
        }
        const stored = parseQuantity(value)! < 0n ? "is negative" : quantityStorageProblem(value);
        if (stored) {
            problems.invalid(map.pathOf(name), value, stored);
            continue;
        }
        result[name as ResourceName] = String(value);
    }
    for (const name of required) {
        if (result[name] === undefined && map.peek(name) === undefined) {
            problems.missing(map.pathOf(name), "a quantity");
        }
    }
    return result;
}

const imagePullPolicies: ImagePullPolicy[] = ["IfNotPresent", "Always", "Never"];

/**
 * `argo.imagePullPolicy.{executor,mainContainer}`, IfNotPresent when left out. The chart would
 * otherwise render its `images.pullPolicy` (Always) into every step, and a step whose image was
 * imported into the nodes, and is in no registry, would fail to pull.
 */
function readImagePullPolicies(
    argo: Reader,
): Pick<ArgoSettings, "executorImagePullPolicy" | "mainContainerImagePullPolicy"> {
    const policies = argo.peek("imagePullPolicy") === undefined ? undefined : argo.object("imagePullPolicy");
    return {
        executorImagePullPolicy:
            policies?.optionalOneOf("executor", imagePullPolicies, "IfNotPresent") ?? "IfNotPresent",
        mainContainerImagePullPolicy:
            policies?.optionalOneOf("mainContainer", imagePullPolicies, "IfNotPresent") ?? "IfNotPresent",
    };
}

function readContainerResources(
    problems: Problems,
    reader: Reader,
    key: string,
    requireAll: boolean,
): ContainerResources {
    const resources = reader.object(key);
    const required = requireAll ? resourceNames : [];
    const result = {
        requests: readResourceMap(problems, resources, "requests", required),
        limits: readResourceMap(problems, resources, "limits", required),
    };
    for (const name of resourceNames) {
        const request = result.requests[name];
        const limit = result.limits[name];
        if (request !== undefined && limit !== undefined && parseQuantity(request)! > parseQuantity(limit)!) {
            problems.conflict(
                `${resources.pathOf("requests")}.${name}: "${request}" is greater than ${resources.pathOf("limits")}.${name} "${limit}"`,
            );
        }
    }
    return result;
}

function readLimitRange(problems: Problems, reader: Reader): LimitRangeSettings {
    const limitRange = reader.object("limitRange");
    const settings: LimitRangeSettings = {
        default: readResourceMap(problems, limitRange, "default", resourceNames),
        defaultRequest: readResourceMap(problems, limitRange, "defaultRequest", resourceNames),
        max: readResourceMap(problems, limitRange, "max", resourceNames),
    };
    const ordered: [keyof LimitRangeSettings, keyof LimitRangeSettings][] = [
        ["defaultRequest", "default"],
        ["default", "max"],
    ];
    for (const [lower, upper] of ordered) {
        for (const name of resourceNames) {
            const low = settings[lower][name];
            const high = settings[upper][name];
            if (low !== undefined && high !== undefined && parseQuantity(low)! > parseQuantity(high)!) {
                problems.conflict(
                    `${limitRange.pathOf(lower)}.${name}: "${low}" is greater than ${limitRange.pathOf(upper)}.${name} "${high}"`,
                );
            }
        }
    }
    return settings;
}

/** Quota keys that make the API server demand a value on every container (pkg/quota/v1/evaluator/core). */
export const computeQuotaKeys: Record<string, { resource: ResourceName; side: "requests" | "limits" }> = {
    cpu: { resource: "cpu", side: "requests" },
    memory: { resource: "memory", side: "requests" },
    "requests.cpu": { resource: "cpu", side: "requests" },
    "requests.memory": { resource: "memory", side: "requests" },
    "limits.cpu": { resource: "cpu", side: "limits" },
    "limits.memory": { resource: "memory", side: "limits" },
};

function readNamespaces(problems: Problems, raw: unknown, services: ServiceEndpoint[]): GovernedNamespace[] {
    const reader = Reader.of(problems, "namespaces", raw);
    const namespaces: GovernedNamespace[] = [];
    for (const [name, value] of reader.entries()) {
        if (!dns1123Label.test(name)) {
            problems.invalid(reader.pathOf(name), name, "is not a valid namespace name");
        }
        const entry = reader.object(name);
        const quotaReader = entry.object("quota");
        const quota: Record<string, string> = {};
        for (const [key, amount] of quotaReader.entries()) {
            const problem = quotaKeyProblem(key) ?? quotaValueProblem(key, amount);
            if (problem) {
                problems.invalid(quotaReader.pathOf(key), quotaKeyProblem(key) ? key : amount, problem);
                continue;
            }
            quota[key] = String(amount);
        }
        const limitRange = readLimitRange(problems, entry);
        for (const key of Object.keys(quota)) {
            const constrained = computeQuotaKeys[key];
            if (!constrained) {
                continue;
            }
            const defaults = constrained.side === "limits" ? ["default"] : ["defaultRequest", "default"];
            const filled = defaults.some(
                (side) =>
                    limitRange[side as "default" | "defaultRequest"][constrained.resource] !== undefined,
            );
            if (!filled) {
                problems.conflict(
                    `${quotaReader.pathOf(key)} is constrained but ${entry.path}.limitRange.${defaults[0]}.${constrained.resource} ` +
                        "is not set: containers that declare nothing (such as Argo's init and wait) would be rejected by quota admission",
                );
            }
        }
        const egressServices =
            value !== undefined && isObject(value) && value.egressServices !== undefined
                ? entry.names("egressServices")
                : [];
        for (const [index, service] of egressServices.entries()) {
            if (service !== "" && !services.some((endpoint) => endpoint.key === service)) {
                problems.invalid(
                    `${entry.pathOf("egressServices")}[${index}]`,
                    service,
                    "is not a key of services",
                );
            }
        }
        namespaces.push({ name, quota, limitRange, egressServices });
    }
    return namespaces;
}

function readServices(problems: Problems, raw: unknown): ServiceEndpoint[] {
    const reader = Reader.of(problems, "services", raw);
    return reader.entries().map(([key]) => {
        const entry = reader.object(key);
        const port = entry.peek("port");
        if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
            problems.invalid(entry.pathOf("port"), port, "is not a port number (1-65535)");
        }
        return {
            key,
            namespace: entry.name("namespace"),
            service: entry.name("service"),
            port: typeof port === "number" ? port : 0,
            scheme: entry.oneOf("scheme", ["http", "https", "grpc", "tcp"]),
            variable: entry.string("variable", environmentVariable, "a valid environment variable name"),
        };
    });
}

function resourceTotal(values: (string | undefined)[]): bigint {
    return values.reduce((sum, value) => sum + (value === undefined ? 0n : parseQuantity(value)!), 0n);
}

/**
 * Checks a workflow pod (init + wait from the executor, main from mainContainer) against each
 * workflow namespace's LimitRange max and quota. Quota counts a pod as the larger of its init
 * container and the sum of its regular containers.
 */
function checkWorkflowPodFits(problems: Problems, argo: ArgoSettings, namespaces: GovernedNamespace[]): void {
    for (const namespace of namespaces.filter((entry) => argo.workflowNamespaces.includes(entry.name))) {
        const pods = namespace.quota.pods;
        if (pods !== undefined && parseQuantity(pods)! < 1_000_000_000n) {
            problems.invalid(
                `namespaces.${namespace.name}.quota.pods`,
                pods,
                "leaves no room for a single pod, in a namespace that runs workflows (argo.workflowNamespaces)",
            );
        }
        const containers: [string, ContainerResources][] = [
            ["argo.executorResources", argo.executorResources],
            ["argo.mainContainerResources", argo.mainContainerResources],
        ];
        for (const [path, resources] of containers) {
            for (const side of ["requests", "limits"] as const) {
                for (const name of resourceNames) {
                    const value = resources[side][name];
                    const max = namespace.limitRange.max[name];
                    if (
                        value !== undefined &&
                        max !== undefined &&
                        parseQuantity(value)! > parseQuantity(max)!
                    ) {
                        problems.conflict(
                            `${path}.${side}.${name}: "${value}" is above namespaces.${namespace.name}.limitRange.max.${name} "${max}": ` +
                                "the LimitRanger admission plugin would reject every workflow pod",
                        );
                    }
                }
            }
        }
        for (const [key, hard] of Object.entries(namespace.quota)) {
            const constrained = computeQuotaKeys[key];
            if (!constrained) {
                continue;
            }
            const fill = (resources: ContainerResources): string | undefined => {
                const own = resources[constrained.side][constrained.resource];
                if (own !== undefined) {
                    return own;
                }
                const limitRange = namespace.limitRange;
                return constrained.side === "limits"
                    ? limitRange.default[constrained.resource]
                    : (resources.limits[constrained.resource] ??
                          limitRange.defaultRequest[constrained.resource] ??
                          limitRange.default[constrained.resource]);
            };
            const executor = fill(argo.executorResources);
            const main = fill(argo.mainContainerResources);
            const regular = resourceTotal([executor, main]);
            const init = resourceTotal([executor]);
            const pod = regular > init ? regular : init;
            if (pod > parseQuantity(hard)!) {
                problems.conflict(
                    `argo: one workflow pod (init, wait, main) needs ${key} ${formatQuantity(pod, constrained.resource === "memory" ? "memory" : "cpu")}, ` +
                        `more than namespaces.${namespace.name}.quota["${key}"] "${hard}" allows`,
                );
            }
        }
    }
}

/** Validates raw config into StackSettings, reporting every problem at once. */
export function validateSettings(raw: RawSettings): StackSettings {
    const problems = new Problems();
    for (const key of Object.keys(raw)) {
        if (!(settingKeys as readonly string[]).includes(key)) {
            problems.invalid(key, raw[key], unknownKeyMessage(key, settingKeys));
        }
    }
    const charts = Reader.of(problems, "charts", raw.charts);
    for (const name of chartNames) {
        charts.peek(name);
    }
    const network = readNetwork(problems, raw.network);
    const metallb = readMetallb(problems, raw.metallb, charts, network.ranges.lanCidr);
    if (metallb.generalRange) {
        for (const key of ["podCidr", "serviceCidr"] as const) {
            const range = network.ranges[key];
            if (range && rangesOverlap(range, metallb.generalRange)) {
                problems.conflict(
                    `network.${key}: "${network.settings[key]}" overlaps metallb.generalPool.addresses "${metallb.settings.generalRange}"`,
                );
            }
        }
    }

    const ingressReader = Reader.of(problems, "ingress", raw.ingress);
    const controller = ingressReader.oneOf("controller", ingressControllers);
    const ingress = {
        controller,
        namespace: ingressReader.name("namespace"),
        releaseName: ingressReader.name("releaseName"),
        chart: readChart(charts, ingressControllers.includes(controller) ? controller : "ingress-nginx"),
        reservation: ingressReader.name("reservation"),
        ingressClassName: ingressReader.name("ingressClassName"),
        externalTrafficPolicy: ingressReader.oneOf("externalTrafficPolicy", ["Cluster", "Local"] as const),
        reservedAddress: "",
    };
    const reservation = metallb.settings.reservations.find((entry) => entry.pool === ingress.reservation);
    if (ingress.reservation !== "" && !reservation) {
        problems.invalid(
            "ingress.reservation",
            ingress.reservation,
            `is not a pool in metallb.reservations (${metallb.settings.reservations.map((entry) => entry.pool).join(", ") || "none"})`,
        );
    }
    ingress.reservedAddress = reservation?.address ?? "";
    const reservedIp = parseIp(ingress.reservedAddress);
    const serviceRange = network.ranges.serviceCidr;
    if (reservedIp && serviceRange && reservedIp.family !== serviceRange.family) {
        problems.invalid(
            "ingress.reservation",
            ingress.reservation,
            `reserves ${ingress.reservedAddress}, an IPv${reservedIp.family} address, but the cluster's Services are ` +
                `IPv${serviceRange.family} (network.serviceCidr "${network.settings.serviceCidr}"): the ingress ` +
                `controller's Service cannot take it. Reserve an IPv${serviceRange.family} address for the ingress`,
        );
    }

    const argoReader = Reader.of(problems, "argo", raw.argo);
    const argo: ArgoSettings = {
        namespace: argoReader.name("namespace"),
        releaseName: argoReader.name("releaseName"),
        chart: readChart(charts, "argo-workflows"),
        workflowNamespaces: argoReader.names("workflowNamespaces"),
        workflowServiceAccount: argoReader.name("workflowServiceAccount"),
        executorResources: readContainerResources(problems, argoReader, "executorResources", true),
        mainContainerResources: readContainerResources(problems, argoReader, "mainContainerResources", false),
        ...readImagePullPolicies(argoReader),
        // The chart's own default: the homelab runs the UI, and a migrated cluster keeps it.
        serverEnabled:
            argoReader.peek("server") === undefined
                ? true
                : argoReader.object("server").optionalBoolean("enabled", true),
    };

    const services = readServices(problems, raw.services);
    const namespaces = readNamespaces(problems, raw.namespaces, services);
    for (const [index, name] of argo.workflowNamespaces.entries()) {
        if (name !== "" && !namespaces.some((namespace) => namespace.name === name)) {
            problems.invalid(
                `argo.workflowNamespaces[${index}]`,
                name,
                "has no entry in namespaces: every namespace that runs workflows needs a quota and LimitRange",
            );
        }
    }
    checkWorkflowPodFits(problems, argo, namespaces);

    const probeReader = Reader.of(problems, "dnsProbe", raw.dnsProbe);
    const dnsProbe: DnsProbeSettings = {
        image: probeReader.string("image"),
        resources: readContainerResources(problems, probeReader, "resources", true),
    };

    const skipAwait = raw.skipAwait ?? false;
    if (typeof skipAwait !== "boolean") {
        problems.invalid("skipAwait", skipAwait, "must be true or false");
    }

    problems.throwIfAny();
    return {
        network: network.settings,
        metallb: metallb.settings,
        pools: planPools(
            metallb.settings.generalPoolName,
            metallb.settings.generalRange,
            metallb.settings.reservations,
        ),
        ingress,
        argo,
        namespaces,
        services,
        dnsProbe,
        skipAwait: skipAwait === true,
    };
}
