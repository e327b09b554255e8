// Collects every problem in a stack's settings so they can be reported together.

/** Thrown when settings are invalid; its message lists every problem, one per line. */
export class SettingsError extends Error {
    constructor(readonly problems: string[]) {
        super(
            `Invalid stack settings (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((problem) => `  - ${problem}`).join("\n"),
        );
        this.name = "SettingsError";
    }
}

/**
 * JSON with object keys in sorted order: the CLI hands object settings to the program with sorted
 * keys, so this prints a value the same way whether it came from Pulumi or from a test.
 */
function keysSorted(value: unknown): string {
    return JSON.stringify(value, (_key, item: unknown) =>
        item !== null && typeof item === "object" && !Array.isArray(item)
            ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
            : item,
    );
}

export class Problems {
    readonly list: string[] = [];

    /** Records `path: "value" message`, e.g. `metallb.reservations[0].address: "300.1.1.1" is not an IP address`. */
    invalid(path: string, value: unknown, message: string): void {
        this.list.push(`${path}: ${keysSorted(value)} ${message}`);
    }

    /** Records a problem about a relation between settings rather than one value. */
    conflict(message: string): void {
        this.list.push(message);
    }

    missing(path: string, expected: string): void {
        this.list.push(`${path} is required (${expected})`);
    }

    private readonly finalChecks: (() => void)[] = [];

    /** Runs `check` when the reading is done, before the problems are thrown. */
    atEnd(check: () => void): void {
        this.finalChecks.push(check);
    }

    throwIfAny(): void {
        for (const check of this.finalChecks.splice(0)) {
            check();
        }
        if (this.list.length > 0) {
            throw new SettingsError(this.list);
        }
    }
}
