// A small seeded generator (mulberry32) for property and fuzz tests: the same seed gives the same
// cases on every run and machine, so a failure names a case that can be replayed.

export class SeededRandom {
    private state: number;

    constructor(seed: number) {
        this.state = seed >>> 0;
    }

    /** A float in [0, 1). */
    next(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let mixed = this.state;
        mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
        mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
        return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
    }

    /** An integer in [0, bound). */
    below(bound: number): number {
        return Math.floor(this.next() * bound);
    }

    /** An integer in [low, high]. */
    between(low: number, high: number): number {
        return low + this.below(high - low + 1);
    }

    chance(probability: number): boolean {
        return this.next() < probability;
    }

    pick<T>(items: readonly T[]): T {
        return items[this.below(items.length)];
    }
}
