// The admission guard as data: the ValidatingAdmissionPolicies (CEL) that make the API server refuse
// what brought the debts in (a hand-typed `kubectl delete`, a `helm install --set
// ...loadBalancerIP=`, an env var with a LoadBalancer IP), and the parameters they read. No Pulumi
// import: components/admissionGuard.ts declares these objects, and the unit tests read them as
// they are.
//
// The rules read everything site-specific from one ConfigMap (the parameters), so the policies
// themselves never change with the settings. CEL has no functions of its own making: the helpers
// below build expression text, and each policy is a few variables and one or two validations.
// Requires Kubernetes 1.31 or newer: the IP and CIDR functions entered CEL's environment in 1.30,
// and the API server compiles a new policy against the previous minor's environment.

import { formatIp, parseIp } from "../lib/addresses/ip";
import { formatAddressRange } from "../lib/addresses/ranges";
import { readPoolEntry } from "../lib/metallb/poolEntry";
import { metallbAnnotations } from "../lib/metallb/annotations";

/** The ConfigMap the policies read their parameters from (`params` in CEL). */
export const guardParameters = { name: "homelab-platform-admission-guard", namespace: "kube-system" };

/** The project name every guard object starts with, and the label that marks them. */
export const guardPrefix = "homelab-platform";
export const guardLabel = { "app.kubernetes.io/managed-by": "homelab-platform" };

/** What the API server does with a request a rule refuses (a binding's `validationActions`). */
export type ValidationAction = "Deny" | "Warn" | "Audit";
export const validationActions: readonly ValidationAction[] = ["Deny", "Warn", "Audit"];

/**
 * Why the API server would refuse a binding with these actions as a whole (none at all, or Deny
 * with Warn), or undefined when it takes them. The settings validation and the component both ask.
 */
export function validationActionsProblem(actions: readonly string[]): string | undefined {
    if (actions.length === 0) {
        return "must list at least one action: Deny (the default), Warn or Audit";
    }
    if (actions.includes("Deny") && actions.includes("Warn")) {
        return "lists Deny and Warn together, which the API server refuses: Deny to refuse, [Warn] or [Warn, Audit] to let requests through with a warning";
    }
    return undefined;
}

export interface AdmissionGuardSettings {
    /**
     * `[Deny]` (the default) refuses the request; `[Warn]`, the way out in an emergency, lets it
     * through with a warning the client prints; `[Audit]` records it in the API server's audit log.
     * Deny and Warn exclude each other.
     */
    validationActions: ValidationAction[];
}

/** What the guard knows of the platform: the address plan, the governed objects, the workflow namespaces. */
export interface AdmissionGuardParameters {
    /** Each reserved address and the pool that holds it, e.g. 192.168.1.249 in `ingress-pool`. */
    reservedAddresses: { address: string; pool: string }[];
    /**
     * The Service each reserved pool is for, where the stack knows it: its namespace and labels
     * (as the pool's MetalLB `serviceAllocation` names it). Another Service may not pin the pool.
     */
    reservationOwners: { pool: string; namespace: string; labels: Record<string, string> }[];
    /** The pools that hand out addresses on their own, with their entries (CIDR or `first-last`). */
    autoAssignPools: { pool: string; addresses: string[] }[];
    /** The quotas and LimitRanges the stack keeps, and the setting each comes from (for messages). */
    governedObjects: {
        kind: "ResourceQuota" | "LimitRange";
        namespace: string;
        name: string;
        setting: string;
    }[];
    /** Namespaces whose workloads, workflows and ConfigMaps must reach Services by DNS name. */
    workflowNamespaces: string[];
    /** The cluster-DNS addresses the platform publishes, by variable (suggested in messages). */
    serviceEndpoints: { variable: string; url: string }[];
    clusterDomain: string;
}

/**
 * The parameters as the ConfigMap holds them: one record per line, fields separated by spaces (a
 * ConfigMap holds only strings, and CEL can split them):
 *
 * - `reservedAddresses`: `<address> <pool>`, each address as the API server's `ip()` prints it;
 * - `reservationOwners`: `<pool> <namespace> <key>=<value>,...`, the Service a reserved pool is for;
 * - `autoAssignRanges`: `<pool> <cidr> <entry>`, the CIDR blocks that cover each auto-assign pool
 *   entry (CEL's `cidr()` tests membership for IPv4 and IPv6 alike) and the entry as the pool writes it;
 * - `governedObjects`: `<kind> <namespace> <name> <setting>`;
 * - `workflowNamespaces`: one per line;
 * - `serviceEndpoints`: `<variable> <url>`;
 * - `addressPrefixes`: the text IPv4 addresses of the pools start with, a cheap first test;
 * - `clusterDomain`.
 */
export function admissionGuardParameterData(parameters: AdmissionGuardParameters): Record<string, string> {
    const lines = (records: string[][]): string => records.map((fields) => `${fields.join(" ")}\n`).join("");
    const autoAssign = parameters.autoAssignPools.flatMap(({ pool, addresses }) =>
        addresses.flatMap((entry) => {
            const reading = readPoolEntry(entry);
            if (!reading.accepted) {
                throw new Error(`pool ${pool}: entry "${entry}" is not an address range MetalLB reads`);
            }
            return reading.blocks.map((block) => [pool, formatAddressRange(block), entry]);
        }),
    );
    const canonical = (address: string): string => {
        const parsed = parseIp(address);
        if (!parsed) {
            throw new Error(`reserved address "${address}" is not an IP address`);
        }
        return formatIp(parsed.family, parsed.value);
    };
    const reserved = parameters.reservedAddresses.map(({ address, pool }) => [canonical(address), pool]);
    const blocks = [...reserved.map(([address]) => address), ...autoAssign.map(([, cidr]) => cidr)];
    return {
        reservedAddresses: lines(reserved),
        reservationOwners: lines(
            parameters.reservationOwners.map(({ pool, namespace, labels }) => [
                pool,
                namespace,
                Object.entries(labels)
                    .map(([key, value]) => `${key}=${value}`)
                    .join(","),
            ]),
        ),
        autoAssignRanges: lines(autoAssign),
        governedObjects: lines(
            parameters.governedObjects.map(({ kind, namespace, name, setting }) => [
                kind,
                namespace,
                name,
                setting,
            ]),
        ),
        workflowNamespaces: lines(parameters.workflowNamespaces.map((namespace) => [namespace])),
        serviceEndpoints: lines(parameters.serviceEndpoints.map(({ variable, url }) => [variable, url])),
        addressPrefixes: lines(
            [...new Set(blocks.map(ipv4TextPrefix).filter((prefix) => prefix !== undefined))].map(
                (prefix) => [prefix],
            ),
        ),
        clusterDomain: parameters.clusterDomain,
    };
}

/**
 * How much text the guard searches. Searching costs CEL budget in proportion to the text's length,
 * and a request whose rules run out of budget is refused: a large ConfigMap must not be refused
 * for that alone. ConfigMap entries larger than `entryBytes`, and all of a ConfigMap's entries once
 * together they pass `configMapBytes`, are left to the policy pack and `npm run audit`, which read
 * them whole; so are env values and parameters larger than `valueBytes` (no address is written so).
 */
export const scanLimits = { valueBytes: 4096, entryBytes: 16 * 1024, configMapBytes: 64 * 1024 };

/**
 * The text every IPv4 address of a block starts with, in whole octets: `192.168.1.` for
 * 192.168.1.200/29, `10.` for 10.0.0.0/8, the address itself for a single one. The guard looks
 * closer only at tokens that start with one of these (IPv6 blocks have none: their text varies).
 */
function ipv4TextPrefix(block: string): string | undefined {
    const [address, length = "32"] = block.split("/");
    if (parseIp(address)?.family !== 4) {
        return undefined;
    }
    const octets = address.split(".");
    const whole = Math.floor(Number(length) / 8);
    return whole === 4
        ? address
        : octets
              .slice(0, whole)
              .map((octet) => `${octet}.`)
              .join("");
}

// ---------------------------------------------------------------------------------------------
// CEL building blocks. Each returns expression text; `object` may be `object` or `oldObject`.

/** A CEL string literal. */
function literal(text: string): string {
    return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The records of one parameter, each split into its fields: `list(list(string))`. */
function parameterRecords(key: string): string {
    return `params.data.?${key}.orValue('').split('\\n').filter(line, line != '').map(line, line.split(' '))`;
}

/** How a message names the object: `Service ingress-nginx/edge-controller`. */
const subject =
    "request.kind.kind + ' ' + (request.namespace == '' ? '' : request.namespace + '/') + " +
    "(request.name != '' ? request.name : object.metadata.?generateName.orValue('') + '<generated>')";

/** At most three items of a list of strings, then how many more. */
function firstThree(list: string): string {
    return (
        `(size(${list}) <= 3 ? ${list}.join('; ') : ` +
        `[${list}[0], ${list}[1], ${list}[2]].join('; ') + '; and ' + string(size(${list}) - 3) + ' more')`
    );
}

/** An IPv4 address's value as an integer (the text must be an IPv4 address). */
function ipv4Value(text: string): string {
    return (
        `[${text}.split('.')].map(octets, int(octets[0]) * 16777216 + int(octets[1]) * 65536 + ` +
        "int(octets[2]) * 256 + int(octets[3]))[0]"
    );
}

/** 2^(32 - n) for n = 0..32, to compare IPv4 networks by integer division. */
const ipv4BlockSizes = `[${Array.from({ length: 33 }, (_, n) => String(2 ** (32 - n))).join(", ")}]`;

/**
 * Whether a MetalLB pool entry (`a-b`, or a CIDR, host bits allowed, as MetalLB reads it) contains
 * an address. IPv4 is compared numerically; an IPv6 entry is decided only when `cidr()` reads it
 * (a CIDR without host bits): CEL has no 128-bit integers, and the IP type has no ordering.
 */
function poolEntryContains(entry: string, address: string): string {
    const ipv4 = (text: string): string => `(isIP(${text}) && ip(${text}).family() == 4)`;
    const range =
        `[${entry}.split('-', 2)].map(ends, size(ends) == 2 && ${ipv4("ends[0].trim()")} && ${ipv4("ends[1].trim()")} && ` +
        `${ipv4(address)} && ${ipv4Value("ends[0].trim()")} <= ${ipv4Value(address)} && ` +
        `${ipv4Value(address)} <= ${ipv4Value("ends[1].trim()")})[0]`;
    const ipv4Network =
        `[${entry}.split('/')].map(parts, size(parts) == 2 && ${ipv4("parts[0]")} && ${ipv4(address)} && ` +
        `parts[1].matches('^[0-9]{1,3}$') && int(parts[1]) <= 32 && ` +
        `${ipv4Value("parts[0]")} / ${ipv4BlockSizes}[int(parts[1])] == ${ipv4Value(address)} / ${ipv4BlockSizes}[int(parts[1])])[0]`;
    const ipv6Network = `(isCIDR(${entry}) && isIP(${address}) && cidr(${entry}).containsIP(${address}))`;
    return `(${entry}.contains('-') ? ${range} : (${ipv4Network} || ${ipv6Network}))`;
}

/** The most address-like tokens the guard reads in one text; a text with more is left to the pack and the audit. */
export const tokenLimit = 256;

/** The regular expression of an IPv4 token: an address and what is glued to it (letters, a prefix length, a range). */
const ipv4Token =
    "[0-9A-Za-z.]*[0-9][.][0-9]+[.][0-9]+[.][0-9][0-9A-Za-z.]*(?:/[0-9]+|[ \\t]*-[ \\t]*[0-9][0-9.]*)?";

/**
 * The address-like tokens of a text (callers keep the IP addresses among them), as the policy pack's reading finds them: the whole text when it
 * is one address; IPv4 addresses not glued to other letters, digits or dots and not part of a
 * network (`/24`) or a range (`a - b`); IPv6 addresses in brackets (`http://[fd00::1]:80`).
 */
function addressesIn(text: string): string {
    const tokens =
        `${text}.findAll(${literal(ipv4Token)}) + ` +
        `${text}.findAll('\\\\[[0-9A-Fa-f:.]+\\\\]').map(bracketed, bracketed.substring(1, size(bracketed) - 1))`;
    return (
        `(isIP(${text}.trim()) ? [${text}.trim()] : ` +
        `[${tokens}].map(tokens, size(tokens) > ${tokenLimit} ? [] : tokens)[0])`
    );
}

/** Where an address of the plan sits: `the address reserved for MetalLB pool X` or `an address of MetalLB pool Y (...)`. */
function placeOf(address: string): string {
    const reserved = `variables.reserved.filter(held, ip(held[0]) == ip(${address}))`;
    const pooled = `variables.autoAssign.filter(block, cidr(block[1]).containsIP(${address}))`;
    return (
        `(size(${reserved}) > 0 ? 'the address reserved for MetalLB pool ' + ${reserved}[0][1] : ` +
        `'an address of MetalLB pool ' + ${pooled}[0][0] + ' (' + ${pooled}[0][2] + ')')`
    );
}

/**
 * Findings for one text: `<label> points at <address>, <place>` for every LoadBalancer or pool
 * address in it, joined by newlines (CEL before Kubernetes 1.34 cannot flatten lists; the callers
 * join and split instead). `label` is a CEL string expression.
 */
function textFindings(label: string, text: string, variable?: string, limit = scanLimits.valueBytes): string {
    const hint = variable
        ? ` + [variables.endpoints.filter(endpoint, endpoint[0] == ${variable})].map(known, size(known) > 0 ? ` +
          `' (use ' + known[0][0] + '=' + known[0][1] + ')' : '')[0]`
        : "";
    // The cheap test first: most addresses in a text are nobody's LoadBalancer address.
    return (
        `(size(${text}) > ${limit} ? [] : ${addressesIn(text)})` +
        ".filter(address, (address.contains(':') || variables.prefixes.exists(prefix, address.startsWith(prefix))) && " +
        "isIP(address) && variables.poolBlocks.exists(block, block.containsIP(address)))" +
        `.map(address, ${label} + ' points at ' + address + ', ' + ${placeOf("address")}${hint}).join('\\n')`
    );
}

/** Joins finding strings (each possibly empty or several lines) into one. */
function joinFindings(parts: string[]): string {
    return `[${parts.join(", ")}].filter(part, part != '').join('\\n')`;
}

/** Findings in the env values of a list of containers. */
function envFindings(containers: string, label: (container: string) => string): string {
    return (
        `${containers}.map(container, container.?env.orValue([]).map(variable, ` +
        textFindings(
            `${label("container")} + ' env ' + variable.name + (variable.?value.orValue('').contains('\\n') ? '' : ` +
                `'="' + variable.?value.orValue('') + '"')`,
            "variable.?value.orValue('')",
            "variable.name",
        ) +
        ").filter(part, part != '').join('\\n')).filter(part, part != '').join('\\n')"
    );
}

/** Findings in a pod spec: containers, init containers and ephemeral containers. */
function podSpecFindings(podSpec: string): string {
    return envFindings(
        `(${podSpec}.?containers.orValue([]) + ${podSpec}.?initContainers.orValue([]) + ` +
            `${podSpec}.?ephemeralContainers.orValue([]))`,
        (container) => `'container ' + ${container}.name`,
    );
}

/** Findings in an Argo workflow spec: every template's containers, and the workflow's parameters. */
function workflowSpecFindings(spec: string): string {
    const template = (key: string, label: string): string =>
        envFindings(
            `template.?${key}.orValue([])`,
            (container) => `'template ' + template.?name.orValue('') + ' ${label} ' + ${container}.name`,
        );
    const single = (key: string): string =>
        envFindings(
            `(has(template.${key}) ? [template.${key}] : [])`,
            () => `'template ' + template.?name.orValue('') + ' ${key}'`,
        );
    const templates =
        `${spec}.?templates.orValue([]).map(template, ` +
        joinFindings([
            single("container"),
            single("script"),
            envFindings(
                "template.?containerSet.?containers.orValue([])",
                (container) => `'template ' + template.?name.orValue('') + ' container ' + ${container}.name`,
            ),
            template("initContainers", "init container"),
            template("sidecars", "sidecar"),
        ]) +
        ").filter(part, part != '').join('\\n')";
    const parameters =
        `${spec}.?arguments.?parameters.orValue([]).map(parameter, ` +
        textFindings(`'parameter ' + parameter.name`, "parameter.?value.orValue('')") +
        ").filter(part, part != '').join('\\n')";
    return joinFindings([templates, parameters]);
}

/** Every finding in one version of the object, joined by newlines. */
function objectFindings(object: string): string {
    const kind = "request.kind.kind";
    const podSpec =
        `(${kind} == 'Pod' ? ${object}.spec : ` +
        `(${kind} == 'CronJob' ? ${object}.spec.jobTemplate.spec.template.spec : ${object}.spec.template.spec))`;
    const workflowSpec = `(${kind} == 'CronWorkflow' ? ${object}.spec.workflowSpec : ${object}.spec)`;
    const configMapData = `${object}.?data.orValue({})`;
    const entries = `${configMapData}.filter(key, size(${configMapData}[key]) <= ${scanLimits.entryBytes})`;
    const configMap =
        `[${entries}].map(keys, keys.map(key, size(${configMapData}[key])).sum() <= ${scanLimits.configMapBytes} && ` +
        `keys.map(key, size(${configMapData}[key].findAll(${literal(ipv4Token)}))).sum() <= ${tokenLimit * 4} ? keys : [])[0]` +
        `.map(key, ${textFindings(`'data ' + key`, `${configMapData}[key]`, "key", scanLimits.entryBytes)})` +
        ".filter(part, part != '').join('\\n')";
    return (
        `(${kind} == 'ConfigMap' ? ${configMap} : ` +
        `(${kind} in ['Workflow', 'WorkflowTemplate', 'CronWorkflow'] ? ${workflowSpecFindings(workflowSpec)} : ` +
        `${podSpecFindings(podSpec)}))`
    );
}

/** A newline-joined string as a list. */
function splitLines(text: string): string {
    return `(${text} == '' ? [] : ${text}.split('\\n'))`;
}

// ---------------------------------------------------------------------------------------------
// The policies

export interface ResourceRule {
    apiGroups: string[];
    apiVersions: string[];
    resources: string[];
    operations: string[];
}

/**
 * The namespaces a rule judges in, which its binding selects: the guard never judges what it has
 * no business with (kube-system's pods, another team's namespace), even while its parameters are
 * missing and every request it does judge is refused.
 */
export type RuleScope =
    | "every namespace"
    | "governed namespaces"
    | "workflow namespaces"
    | "MetalLB's namespace";

/** The namespaces behind each scope but the first, from the settings. */
export interface GuardNamespaces {
    /** The namespaces whose quota and LimitRange the stack keeps (`namespaces`). */
    governed: string[];
    /** The namespaces that run workflows (`argo.workflowNamespaces`). */
    workflow: string[];
    /** MetalLB's namespace, the only one whose pools MetalLB reads (`metallb.namespace`). */
    metallb: string;
}

/** The namespaces a scope stands for; undefined for every namespace. */
export function scopeNamespaces(scope: RuleScope, namespaces: GuardNamespaces): string[] | undefined {
    switch (scope) {
        case "every namespace":
            return undefined;
        case "governed namespaces":
            return namespaces.governed;
        case "workflow namespaces":
            return namespaces.workflow;
        case "MetalLB's namespace":
            return [namespaces.metallb];
    }
}

export interface AdmissionRule {
    /** What the rule guards, e.g. `governed-quotas`; the policy and its binding are `homelab-platform-<key>`. */
    key: string;
    /** Where it judges. */
    scope: RuleScope;
    /** The policy's and its binding's name. */
    name: string;
    /** What the docs and the tests call it. */
    summary: string;
    spec: {
        failurePolicy: "Fail";
        paramKind: { apiVersion: string; kind: string };
        matchConstraints: { resourceRules: ResourceRule[] };
        matchConditions?: { name: string; expression: string }[];
        variables: { name: string; expression: string }[];
        validations: { expression: string; messageExpression: string; message: string; reason: string }[];
    };
}

type Variable = AdmissionRule["spec"]["variables"][number];
type Validation = AdmissionRule["spec"]["validations"][number];

/** Matches these resources of one API group (any version), by default on CREATE and UPDATE. */
function matching(apiGroup: string, resources: string[], operations = ["CREATE", "UPDATE"]): ResourceRule {
    return { apiGroups: [apiGroup], apiVersions: ["*"], resources, operations };
}

const emergency =
    "If it must happen now, set admissionGuard.validationActions to [Warn] in the stack settings and run pulumi up.";

/**
 * A check: `expression` must hold, else the request is refused as Forbidden with the text of
 * `messageExpression` (CEL), which names the object, the value and the fix, and then the way out.
 */
function refusal(expression: string, message: string, messageExpression: string): Validation {
    return {
        expression,
        reason: "Forbidden",
        message,
        messageExpression: `${messageExpression} + ${literal(` ${emergency}`)}`,
    };
}

/** A policy that reads the guard's parameters and refuses when one of its validations fails. */
function admissionRule(
    key: string,
    scope: RuleScope,
    summary: string,
    resourceRules: ResourceRule[],
    body: {
        matchConditions?: { name: string; expression: string }[];
        variables: Variable[];
        validations: Validation[];
    },
): AdmissionRule {
    return {
        key,
        scope,
        name: `${guardPrefix}-${key}`,
        summary,
        spec: {
            failurePolicy: "Fail",
            paramKind: { apiVersion: "v1", kind: "ConfigMap" },
            matchConstraints: { resourceRules },
            ...body,
        },
    };
}

const planVariables: Variable[] = [
    { name: "reserved", expression: parameterRecords("reservedAddresses") },
    { name: "autoAssign", expression: parameterRecords("autoAssignRanges") },
];

const addressAnnotations = metallbAnnotations.loadBalancerIps;
const poolAnnotations = metallbAnnotations.addressPool;

/** The fields that make a Service's address request, for telling a changed request from any other update. */
function serviceRequestFields(object: string): string {
    // string(): list literals must be of one type, and fields of `object` are dynamically typed.
    const annotation = (key: string): string =>
        `string(${object}.metadata.?annotations[?${literal(key)}].orValue(''))`;
    return (
        `[string(${object}.spec.?type.orValue('')), string(${object}.spec.?loadBalancerIP.orValue('')), ` +
        `${[...addressAnnotations, ...poolAnnotations].map(annotation).join(", ")}]`
    );
}

/** Services: reserved addresses only with their pool pinned; nothing inside an auto-assign range. */
const loadBalancerAddresses = admissionRule(
    "loadbalancer-addresses",
    // Any tenant's Service could take a reserved address.
    "every namespace",
    "a LoadBalancer Service requesting a reserved address without pinning its pool, or any address of an auto-assign pool",
    [matching("", ["services"])],
    {
        matchConditions: [
            { name: "load-balancer", expression: "object.spec.?type.orValue('') == 'LoadBalancer'" },
            {
                // An update that leaves the request as it was (MetalLB's own annotation, a label) is
                // not judged again: a Service made before the guard keeps working.
                name: "request-changed",
                expression: `request.operation == 'CREATE' || ${serviceRequestFields("object")} != ${serviceRequestFields("oldObject")}`,
            },
        ],
        variables: [
            ...planVariables,
            { name: "annotations", expression: "object.metadata.?annotations.orValue({})" },
            {
                name: "requested",
                expression:
                    addressAnnotations
                        .map(
                            (key) =>
                                `variables.annotations[?${literal(key)}].orValue('').split(',').map(text, text.trim())` +
                                `.filter(text, text != '').map(text, [string(text), ${literal(`annotation ${key}`)}])`,
                        )
                        .join(" + ") +
                    " + (object.spec.?loadBalancerIP.orValue('') == '' ? [] : [[string(object.spec.loadBalancerIP), 'spec.loadBalancerIP']])",
            },
            {
                name: "pinned",
                expression: poolAnnotations.reduceRight(
                    (fallback, key) => `variables.annotations[?${literal(key)}].orValue(${fallback})`,
                    "''",
                ),
            },
            {
                // The Service the pinned pool is reserved for, if the stack knows it.
                name: "owners",
                expression: `${parameterRecords("reservationOwners")}.filter(owner, owner[0] == variables.pinned)`,
            },
            {
                name: "isOwner",
                expression:
                    "variables.owners.all(owner, owner[1] == request.namespace && " +
                    "owner[2].split(',').filter(pair, pair != '').all(pair, " +
                    "object.metadata.?labels.orValue({})[?pair.split('=')[0]].orValue('') == pair.split('=')[1]))",
            },
            {
                name: "unpinned",
                expression:
                    "variables.requested.filter(request, isIP(request[0]) && " +
                    "variables.reserved.exists(held, ip(held[0]) == ip(request[0]) && held[1] != variables.pinned))",
            },
            {
                name: "autoAssigned",
                expression:
                    "variables.requested.filter(request, isIP(request[0]) && " +
                    "variables.autoAssign.exists(block, cidr(block[1]).containsIP(request[0])))",
            },
        ],
        validations: [
            refusal(
                "size(variables.unpinned) == 0",
                "requests a reserved LoadBalancer address without pinning its MetalLB pool",
                `${subject} + ' requests ' + variables.unpinned.map(request, request[0] + ' (' + request[1] + '), the address reserved for MetalLB pool ' + ` +
                    "variables.reserved.filter(held, ip(held[0]) == ip(request[0]))[0][1]).join(', and ') + " +
                    "(variables.pinned == '' ? ', without pinning that pool' : ', but pins pool ' + variables.pinned) + " +
                    "': a reserved address goes only to a Service that names its pool. Fix: annotate the Service with metallb.io/address-pool: ' + " +
                    "variables.reserved.filter(held, ip(held[0]) == ip(variables.unpinned[0][0]))[0][1] + " +
                    "' and request the address with the metallb.io/loadBalancerIPs annotation, not spec.loadBalancerIP (for a Helm chart: its service annotations value), ' + " +
                    "'or leave the address to the Service it is reserved for (metallb.reservations in the homelab-platform settings).'",
            ),
            refusal(
                "variables.isOwner",
                "pins a reserved MetalLB pool that is reserved for another Service",
                `${subject} + ' pins MetalLB pool ' + variables.pinned + ', which is reserved for the Service in namespace ' + ` +
                    "variables.owners[0][1] + ' labelled ' + variables.owners[0][2] + ': MetalLB gives its address to no other Service ' + " +
                    "'(the pool\\'s serviceAllocation), and this one would wait for it forever. Fix: pin a pool of its own or leave the pool out, ' + " +
                    "'or reserve another address for it in the homelab-platform settings (metallb.reservations).'",
            ),
            refusal(
                "size(variables.autoAssigned) == 0",
                "requests an address of an auto-assign MetalLB pool",
                `${subject} + ' requests ' + variables.autoAssigned.map(request, request[0] + ' (' + request[1] + '), an address of the auto-assign MetalLB pool ' + ` +
                    "variables.autoAssign.filter(block, cidr(block[1]).containsIP(request[0]))[0][0] + ' (' + " +
                    "variables.autoAssign.filter(block, cidr(block[1]).containsIP(request[0]))[0][2] + ')').join(', and ') + " +
                    "': MetalLB may already have given it to another Service, and will hand it out again. Fix: leave the address out and let MetalLB pick one, ' + " +
                    "'or reserve it in the homelab-platform settings (metallb.reservations), pulumi up, and pin its pool with metallb.io/address-pool.'",
            ),
        ],
    },
);

/** ResourceQuotas and LimitRanges the stack keeps: no DELETE, unless their namespace is going away. */
const governedQuotas = admissionRule(
    "governed-quotas",
    "governed namespaces",
    "deleting a ResourceQuota or LimitRange of a governed namespace (not the namespace itself)",
    [matching("", ["resourcequotas", "limitranges"], ["DELETE"])],
    {
        variables: [
            {
                name: "governed",
                expression:
                    `${parameterRecords("governedObjects")}.filter(kept, kept[0] == request.kind.kind && ` +
                    "kept[1] == request.namespace && kept[2] == request.name)",
            },
            {
                // The namespace controller empties a namespace being deleted: let it.
                name: "namespaceGoing",
                expression: "has(namespaceObject.metadata.deletionTimestamp)",
            },
        ],
        validations: [
            refusal(
                "size(variables.governed) == 0 || variables.namespaceGoing",
                "deletes a ResourceQuota or LimitRange the homelab-platform stack governs",
                `${subject} + ' is governed by the homelab-platform stack (' + variables.governed[0][3] + ' in its settings): ' + ` +
                    "(request.kind.kind == 'ResourceQuota' ? 'without it nothing caps what workloads in ' + request.namespace + ' consume. ' : " +
                    "'without it containers that declare no resources are no longer filled in, and the quota refuses them. ') + " +
                    "'A pod refused with failed quota: must specify ... needs requests and limits: the namespace\\'s LimitRange fills them in, ' + " +
                    "'and Argo\\'s executor takes them from argo.executorResources. Fix: change ' + variables.governed[0][3] + " +
                    "' in the settings and run pulumi up; deleting the namespace itself is allowed.'",
            ),
        ],
    },
);

/** Workloads, Argo workflows and ConfigMaps in workflow namespaces: no LoadBalancer or pool addresses. */
const serviceDns = admissionRule(
    "service-dns",
    "workflow namespaces",
    "a Pod, workload, Argo Workflow/WorkflowTemplate/CronWorkflow or ConfigMap in a workflow namespace whose env, parameters or data point at a LoadBalancer or pool address",
    [
        matching("", ["pods", "configmaps"]),
        matching("apps", ["deployments", "statefulsets", "daemonsets", "replicasets"]),
        matching("batch", ["jobs", "cronjobs"]),
        matching("argoproj.io", ["workflows", "workflowtemplates", "cronworkflows"]),
    ],
    {
        variables: [
            ...planVariables,
            {
                name: "inWorkflowNamespace",
                expression: `request.namespace in ${parameterRecords("workflowNamespaces")}.map(fields, fields[0])`,
            },
            { name: "endpoints", expression: parameterRecords("serviceEndpoints") },
            { name: "prefixes", expression: parameterRecords("addressPrefixes") + ".map(fields, fields[0])" },
            {
                // Every address of the plan as parsed CIDR blocks, parsed once per request.
                name: "poolBlocks",
                expression:
                    "variables.reserved.map(held, cidr(held[0] + (ip(held[0]).family() == 4 ? '/32' : '/128'))) + " +
                    "variables.autoAssign.map(block, cidr(block[1]))",
            },
            { name: "found", expression: splitLines(objectFindings("object")) },
            {
                // What the object held before this update stays allowed (Argo rewrites a running
                // Workflow's status in place, a controller relabels): only new findings count.
                name: "foundBefore",
                expression: `request.operation == 'UPDATE' ? ${splitLines(objectFindings("oldObject"))} : []`,
            },
            {
                name: "newFindings",
                expression: "variables.found.filter(finding, !(finding in variables.foundBefore))",
            },
        ],
        validations: [
            refusal(
                "!variables.inWorkflowNamespace || size(variables.newFindings) == 0",
                "points an in-cluster client at a LoadBalancer or MetalLB pool address",
                `${subject} + ': ' + ${firstThree("variables.newFindings")} + '. In-cluster clients reach Services by cluster DNS name ' + ` +
                    "'(<service>.<namespace>.svc.' + params.data.?clusterDomain.orValue('cluster.local') + '), which keeps working when the address moves ' + " +
                    "'and needs no trip through MetalLB. Fix: use the Service\\'s DNS name (the platform publishes its services in ConfigMap platform-endpoints).'",
            ),
        ],
    },
);

/** The reserved addresses a version of a pool would hand out on its own (autoAssign on). */
function poolReservedAddresses(object: string): string {
    return (
        `(${object}.spec.?autoAssign.orValue(true) ? variables.reserved.filter(held, ` +
        `${object}.spec.?addresses.orValue([]).exists(entry, ${poolEntryContains("entry", "held[0]")})) : [])`
    );
}

/** IPAddressPools: a reserved address never goes (back) into a pool with autoAssign. */
const reservedPools = admissionRule(
    "reserved-pools",
    "MetalLB's namespace",
    "an IPAddressPool change that puts a reserved address into an auto-assign pool (autoAssign flipped on included)",
    [matching("metallb.io", ["ipaddresspools"])],
    {
        variables: [
            ...planVariables,
            { name: "inAutoAssign", expression: poolReservedAddresses("object") },
            {
                // A pool that already held the address (the seed's homelab-pool, before the
                // migration shrinks it) may still be updated otherwise: only putting it back counts.
                name: "before",
                expression: `request.operation == 'UPDATE' ? ${poolReservedAddresses("oldObject")} : []`,
            },
            {
                name: "added",
                expression:
                    "variables.inAutoAssign.filter(held, !variables.before.exists(old, old[0] == held[0]))",
            },
        ],
        validations: [
            refusal(
                "size(variables.added) == 0",
                "puts a reserved address into an auto-assign MetalLB pool",
                `${subject} + ' has autoAssign on and would contain ' + variables.added.map(held, held[0] + ' (entry ' + ` +
                    `object.spec.addresses.filter(entry, ${poolEntryContains("entry", "held[0]")})[0] + '), the address reserved for pool ' + held[1]).join(', and ') + ` +
                    "': MetalLB could give it to any LoadBalancer Service before the one it is reserved for. ' + " +
                    "'Fix: leave reserved addresses out of auto-assign pools (split the range around them) or set autoAssign: false; ' + " +
                    "'reservations change in the homelab-platform settings (metallb.reservations), and pulumi up splits the pools.'",
            ),
        ],
    },
);

/** Every rule, each one ValidatingAdmissionPolicy with a binding of the same name. */
export const admissionRules: AdmissionRule[] = [
    loadBalancerAddresses,
    governedQuotas,
    serviceDns,
    reservedPools,
];
