/**
 * `items.map(fn)` with at most `limit` calls in flight, results in input order. Reading a release
 * through the API must not open hundreds of requests at once (GitHub's secondary rate limits) nor
 * hold hundreds of parsed files in memory at the same time.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How many files or releases are read at once. */
export const READ_CONCURRENCY = 16;
