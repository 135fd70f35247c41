// Webhook payloads from GitHub's documented deliveries (@octokit/webhooks-examples) with only the
// fields a test cares about laid over them, so handlers meet every field a real delivery carries.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;

type Json = Record<string, unknown>;

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (
    over === null ||
    typeof over !== 'object' ||
    Array.isArray(over) ||
    base === null ||
    typeof base !== 'object' ||
    Array.isArray(base)
  )
    return over;
  const out: Json = { ...(base as Json) };
  for (const [k, v] of Object.entries(over as Json)) out[k] = merge((base as Json)[k], v);
  return out;
}

/** A documented `name` delivery with `action`, overlaid with `overlay` (deep merge). */
export function webhook(name: string, action: string | undefined, overlay: Json = {}): Json {
  const event = examples.find((e) => e.name === name);
  const example = event?.examples.find((e) => action === undefined || e.action === action);
  if (!example) throw new Error(`no example ${name}.${action}`);
  return merge(structuredClone(example), overlay) as Json;
}
