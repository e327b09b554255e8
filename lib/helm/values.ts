// Chart values: the user's own (`charts.<name>.values`) under the ones the stack sets.

/** A value the user set at a path where the stack sets another. */
export interface ValueConflict {
    /** Dotted path inside the chart's values, e.g. `controller.service.type`. */
    path: string;
    user: unknown;
    stack: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The values Helm gets: `user` with `stack` merged over it, objects key by key (as Helm merges a
 * values file over the chart's defaults), anything else replaced whole. Every path where the user
 * set something other than what the stack sets is a conflict: the stack's value wins, and the
 * caller refuses the settings rather than drop the user's value silently.
 */
export function mergeChartValues(
    user: Record<string, unknown>,
    stack: Record<string, unknown>,
    prefix = "",
): { values: Record<string, unknown>; conflicts: ValueConflict[] } {
    const values: Record<string, unknown> = { ...user };
    const conflicts: ValueConflict[] = [];
    for (const [key, stackValue] of Object.entries(stack)) {
        const path = prefix === "" ? key : `${prefix}.${key}`;
        const userValue = user[key];
        if (isPlainObject(stackValue) && isPlainObject(userValue)) {
            const merged = mergeChartValues(userValue, stackValue, path);
            values[key] = merged.values;
            conflicts.push(...merged.conflicts);
            continue;
        }
        if (userValue !== undefined && !sameValue(userValue, stackValue)) {
            conflicts.push({ path, user: userValue, stack: stackValue });
        }
        values[key] = stackValue;
    }
    return { values, conflicts };
}

/** `mergeChartValues`, refusing conflicts with one line each, under `settingsPath`. */
export function chartValuesOrThrow(
    settingsPath: string,
    user: Record<string, unknown>,
    stack: Record<string, unknown>,
): Record<string, unknown> {
    const { values, conflicts } = mergeChartValues(user, stack);
    if (conflicts.length > 0) {
        throw new Error(
            conflicts
                .map(
                    (conflict) =>
                        `${settingsPath}.${conflict.path}: ${JSON.stringify(conflict.user)} contradicts ` +
                        `${JSON.stringify(conflict.stack)}, which the stack sets from its own settings`,
                )
                .join("\n"),
        );
    }
    return values;
}
