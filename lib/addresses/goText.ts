// Go's text handling where MetalLB's messages depend on it: strings.TrimSpace's whitespace and %q
// quoting, so the stack quotes an address exactly as MetalLB's errors do.

// unicode.IsSpace, which strings.TrimSpace uses: not the same set as JavaScript's trim (Go trims
// U+0085 and keeps U+FEFF).
export const goSpaces = new Set([
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
    0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** strings.TrimSpace. */
export function goTrimSpace(text: string): string {
    let start = 0;
    let end = text.length;
    while (start < end && goSpaces.has(text.charCodeAt(start))) {
        start++;
    }
    while (end > start && goSpaces.has(text.charCodeAt(end - 1))) {
        end--;
    }
    return text.slice(start, end);
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const namedEscapes: Record<string, string> = {
    "\x07": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
};

/** Go's %q (strconv.Quote), so messages quote entries exactly as MetalLB's errors do. */
export function goQuote(text: string): string {
    let quoted = '"';
    for (const character of text) {
        const code = character.codePointAt(0)!;
        if (namedEscapes[character]) {
            quoted += namedEscapes[character];
        } else if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && printable.test(character))) {
            quoted += character;
        } else if (code < 0x20 || code === 0x7f) {
            quoted += `\\x${code.toString(16).padStart(2, "0")}`;
        } else if (code >= 0xd800 && code <= 0xdfff) {
            // A lone surrogate cannot reach Go: its JSON decoder turns one into U+FFFD.
            quoted += "\ufffd";
        } else if (code < 0x10000) {
            quoted += `\\u${code.toString(16).padStart(4, "0")}`;
        } else {
            quoted += `\\U${code.toString(16).padStart(8, "0")}`;
        }
    }
    return `${quoted}"`;
}

/** goQuote for messages to a person: a very long text is cut, with its length said. */
export function quoteForPerson(text: string): string {
    return text.length <= 64 ? goQuote(text) : `${goQuote(text.slice(0, 48))}... (${text.length} characters)`;
}
