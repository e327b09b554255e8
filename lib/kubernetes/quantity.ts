// Kubernetes resource quantities (`500m`, `256Mi`, `1.5`, `2e3`) as exact integers.
//
// A quantity is held as a bigint count of nano-units, so `100m + 200m === 300m` holds exactly and
// cpu and memory compare without floating-point error.

const nano = 1_000_000_000n;

const suffixes: Record<string, bigint> = {
    n: 1n,
    u: 1_000n,
    m: 1_000_000n,
    "": nano,
    k: 1_000n * nano,
    M: 1_000_000n * nano,
    G: 1_000_000_000n * nano,
    T: 1_000_000_000_000n * nano,
    P: 1_000_000_000_000_000n * nano,
    E: 1_000_000_000_000_000_000n * nano,
    Ki: 1n << 10n,
    Mi: 1n << 20n,
    Gi: 1n << 30n,
    Ti: 1n << 40n,
    Pi: 1n << 50n,
    Ei: 1n << 60n,
};
for (const binary of ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]) {
    suffixes[binary] *= nano;
}

const quantityPattern =
    /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?[0-9]+))?$/;

/**
 * Parses a Kubernetes quantity into nano-units, or undefined when it is not one. Numbers are
 * accepted too, since YAML turns `cpu: 2` into a number. Precision below one nano-unit is rounded up,
 * as the API server does.
 */
export function parseQuantity(input: string | number): bigint | undefined {
    const text = typeof input === "number" ? String(input) : input.trim();
    const match = quantityPattern.exec(text);
    if (!match) {
        return undefined;
    }
    const [, sign, digits, suffix, exponentText] = match;
    const [whole, fraction = ""] = digits.split(".");
    let numerator = BigInt(`${whole || "0"}${fraction}`);
    let denominator = 10n ** BigInt(fraction.length);
    if (exponentText !== undefined) {
        const exponent = Number(exponentText);
        if (Math.abs(exponent) > 30) {
            return undefined;
        }
        if (exponent >= 0) {
            numerator *= 10n ** BigInt(exponent);
        } else {
            denominator *= 10n ** BigInt(-exponent);
        }
    }
    numerator *= suffixes[suffix ?? ""];
    const value = (numerator + denominator - 1n) / denominator;
    return sign === "-" ? -value : value;
}

/** Formats nano-units back into a readable quantity: milli-units for fractions, binary suffixes for bytes. */
export function formatQuantity(value: bigint, kind: "cpu" | "memory" | "count" = "count"): string {
    if (kind === "memory") {
        for (const suffix of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"]) {
            const unit = suffixes[suffix];
            if (value !== 0n && value % unit === 0n) {
                return `${value / unit}${suffix}`;
            }
        }
    }
    if (value % nano === 0n) {
        return `${value / nano}`;
    }
    const milli = suffixes.m;
    if (value % milli === 0n) {
        return `${value / milli}m`;
    }
    return `${value}n`;
}
