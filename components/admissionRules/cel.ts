// CEL building blocks: each returns expression text; `object` may be `object` or `oldObject`. CEL
// has no functions of its own making, so the rules are assembled from these.

import { scanLimits } from "./parameters";

/** A CEL string literal. */
export function literal(text: string): string {
    return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The records of one parameter, each split into its fields: `list(list(string))`. */
export function parameterRecords(key: string): string {
    return `params.data.?${key}.orValue('').split('\\n').filter(line, line != '').map(line, line.split(' '))`;
}

/** How a message names the object: `Service ingress-nginx/edge-controller`. */
export const subject =
    "request.kind.kind + ' ' + (request.namespace == '' ? '' : request.namespace + '/') + " +
    "(request.name != '' ? request.name : object.metadata.?generateName.orValue('') + '<generated>')";

/** At most three items of a list of strings, then how many more. */
export function firstThree(list: string): string {
    return (
        `(size(${list}) <= 3 ? ${list}.join('; ') : ` +
        `[${list}[0], ${list}[1], ${list}[2]].join('; ') + '; and ' + string(size(${list}) - 3) + ' more')`
    );
}

/** An IPv4 address's value as an integer (the text must be an IPv4 address). */
export function ipv4Value(text: string): string {
    return (
        `[${text}.split('.')].map(octets, int(octets[0]) * 16777216 + int(octets[1]) * 65536 + ` +
        "int(octets[2]) * 256 + int(octets[3]))[0]"
    );
}

/** 2^(32 - n) for n = 0..32, to compare IPv4 networks by integer division. */
export const ipv4BlockSizes = `[${Array.from({ length: 33 }, (_, n) => String(2 ** (32 - n))).join(", ")}]`;

/**
 * Whether a MetalLB pool entry (`a-b`, or a CIDR, host bits allowed, as MetalLB reads it) contains
 * an address. IPv4 is compared numerically; an IPv6 entry is decided only when `cidr()` reads it
 * (a CIDR without host bits): CEL has no 128-bit integers, and the IP type has no ordering.
 */
export function poolEntryContains(entry: string, address: string): string {
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
export const ipv4Token =
    "[0-9A-Za-z.]*[0-9][.][0-9]+[.][0-9]+[.][0-9][0-9A-Za-z.]*(?:/[0-9]+|[ \\t]*-[ \\t]*[0-9][0-9.]*)?";

/**
 * The address-like tokens of a text (callers keep the IP addresses among them), as the policy pack's reading finds them: the whole text when it
 * is one address; IPv4 addresses not glued to other letters, digits or dots and not part of a
 * network (`/24`) or a range (`a - b`); IPv6 addresses in brackets (`http://[fd00::1]:80`).
 */
export function addressesIn(text: string): string {
    const tokens =
        `${text}.findAll(${literal(ipv4Token)}) + ` +
        `${text}.findAll('\\\\[[0-9A-Fa-f:.]+\\\\]').map(bracketed, bracketed.substring(1, size(bracketed) - 1))`;
    return (
        `(isIP(${text}.trim()) ? [${text}.trim()] : ` +
        `[${tokens}].map(tokens, size(tokens) > ${tokenLimit} ? [] : tokens)[0])`
    );
}

/** Where an address of the plan sits: `the address reserved for MetalLB pool X` or `an address of MetalLB pool Y (...)`. */
export function placeOf(address: string): string {
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
export function textFindings(
    label: string,
    text: string,
    variable?: string,
    limit = scanLimits.valueBytes,
): string {
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
export function joinFindings(parts: string[]): string {
    return `[${parts.join(", ")}].filter(part, part != '').join('\\n')`;
}

/** Findings in the env values of a list of containers. */
export function envFindings(containers: string, label: (container: string) => string): string {
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
export function podSpecFindings(podSpec: string): string {
    return envFindings(
        `(${podSpec}.?containers.orValue([]) + ${podSpec}.?initContainers.orValue([]) + ` +
            `${podSpec}.?ephemeralContainers.orValue([]))`,
        (container) => `'container ' + ${container}.name`,
    );
}

/** Findings in an Argo workflow spec: every template's containers, and the workflow's parameters. */
export function workflowSpecFindings(spec: string): string {
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
export function objectFindings(object: string): string {
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
export function splitLines(text: string): string {
    return `(${text} == '' ? [] : ${text}.split('\\n'))`;
}
