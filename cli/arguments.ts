// The flags of the project's commands: `--flag value`, `--flag=value`, or a bare `--flag`.

/**
 * Hands each flag of `argv` to `handle`, with `value()` to read its value (the text after `=`, or
 * the next argument). A flag `handle` does not take (it returns false), or one without the value it
 * reads, throws with `usage`.
 */
export function readFlags(
    argv: string[],
    usage: string,
    handle: (flag: string, value: () => string, inline: string | undefined) => boolean,
): void {
    for (let index = 0; index < argv.length; index++) {
        const [flag, inline] = argv[index].split(/=(.*)/s, 2);
        const value = (): string => {
            const given = inline ?? argv[++index];
            if (given === undefined || given === "") {
                throw new Error(`${flag} needs a value\n${usage}`);
            }
            return given;
        };
        if (!handle(flag, value, inline)) {
            throw new Error(`unknown argument "${argv[index]}"\n${usage}`);
        }
    }
}
