// A small in-process cache for what never changes once named by a commit or blob SHA: the base
// config and pack at a base SHA, a blob's contents. A busy repository whose PRs share a base pays
// for those reads once per base commit and replica. The App's caches are in immutable.ts.
//
// Only immutable values belong here: a key must name its content (a SHA plus what was read at it),
// never a branch, a PR or anything GitHub may change. Values are shared between callers, so treat
// them as read-only.

export interface ShaCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Most total weight kept (for example bytes of file contents); unlimited by default. */
  maxWeight?: number;
  /** The weight of one value; 1 by default. */
  weigh?: (value: unknown) => number;
}

const FULL_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** A bounded least-recently-used map from immutable keys to values (or to their pending reads). */
export class ShaCache<V> {
  readonly #map = new Map<string, { value: V | Promise<V>; weight: number }>();
  readonly #maxEntries: number;
  readonly #maxWeight: number;
  readonly #weigh: (value: unknown) => number;
  #weight = 0;
  hits = 0;
  misses = 0;

  constructor(options: ShaCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('ShaCache: maxEntries must be at least 1');
    this.#maxEntries = options.maxEntries;
    this.#maxWeight = options.maxWeight ?? Infinity;
    this.#weigh = options.weigh ?? (() => 1);
  }

  /** The key of `what` read at commit or blob `sha`; refuses anything but a full SHA. */
  static key(sha: string, what: string): string {
    if (!FULL_SHA.test(sha))
      throw new TypeError(
        `ShaCache: ${JSON.stringify(sha)} is not a full commit or blob SHA; only immutable reads may be cached`,
      );
    return `${sha}:${what}`;
  }

  get size(): number {
    return this.#map.size;
  }

  /**
   * The cached value of `key`, or `load()`'s, kept for next time. Concurrent calls for one key
   * share one load; a load that fails is forgotten, so the next call tries again.
   */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#map.get(key);
    if (hit) {
      this.hits++;
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit.value;
    }
    this.misses++;
    const pending = load();
    this.#map.set(key, { value: pending, weight: 0 });
    this.#evict();
    try {
      const value = await pending;
      const entry = this.#map.get(key);
      if (entry?.value === pending) {
        const weight = this.#weigh(value);
        entry.value = value;
        entry.weight = weight;
        this.#weight += weight;
        this.#evict();
      }
      return value;
    } catch (e) {
      if (this.#map.get(key)?.value === pending) this.#map.delete(key);
      throw e;
    }
  }

  /** Forget everything (tests). */
  clear(): void {
    this.#map.clear();
    this.#weight = 0;
  }

  #evict(): void {
    for (const [key, entry] of this.#map) {
      if (this.#map.size <= this.#maxEntries && this.#weight <= this.#maxWeight) return;
      this.#map.delete(key);
      this.#weight -= entry.weight;
    }
  }
}
