// The generic config reader: typed fields of one config object, every problem recorded under the
// config path as `pulumi config set --path` spells it (`metallb.reservations[0].address`), and
// every key nobody asked for reported as unknown.

import { Problems } from "./problems";

export const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const dns1123Subdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

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

/** A TCP or UDP port number, 1-65535. */
export function isPort(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;
}

export function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads typed fields from one config object, recording problems under its path. Every key it is
 * asked for is noted; when the reading is done, any other key of the object is reported as
 * unknown, with the nearest known key as a suggestion (a typo is not silently dropped).
 */
export class Reader {
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
