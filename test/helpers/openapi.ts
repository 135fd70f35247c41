// Checks a stand-in response against GitHub's published OpenAPI description, so a green
// end-to-end run means the code under test met the shapes real GitHub sends.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type Schema = Record<string, unknown>;
const spec = require('@octokit/openapi/generated/api.github.com.json') as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
};

function deref(s: Schema): Schema {
  while (typeof s.$ref === 'string') s = spec.components.schemas[s.$ref.split('/').pop()!]!;
  return s;
}

/** Problems found validating `value` against `schema` (types, required keys, enums, items). */
export function problems(value: unknown, schema: Schema, at = '$'): string[] {
  const s = deref(schema);
  if (s.oneOf || s.anyOf) {
    const options = (s.oneOf ?? s.anyOf) as Schema[];
    const results = options.map((o) => problems(value, o, at));
    return results.some((r) => r.length === 0)
      ? []
      : [`${at}: matches none of ${options.length} options (${results.map((r) => r[0]).join(' | ')})`];
  }
  if (s.allOf) return (s.allOf as Schema[]).flatMap((o) => problems(value, o, at));
  if (value === null)
    return s.nullable || (Array.isArray(s.type) && s.type.includes('null')) || s.type === undefined
      ? []
      : [`${at}: null not allowed`];
  const types = (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []) as string[];
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (types.length && !types.includes(actual) && !(actual === 'integer' && types.includes('number')))
    return [`${at}: expected ${types.join('|')}, got ${actual}`];
  if (s.enum && !(s.enum as unknown[]).includes(value)) return [`${at}: ${JSON.stringify(value)} not in enum`];
  if (actual === 'array' && s.items)
    return (value as unknown[]).flatMap((v, i) => problems(v, s.items as Schema, `${at}[${i}]`));
  if (actual === 'object') {
    const v = value as Record<string, unknown>;
    const out = ((s.required ?? []) as string[]).filter((k) => !(k in v)).map((k) => `${at}.${k}: required`);
    for (const [k, sub] of Object.entries((s.properties ?? {}) as Record<string, Schema>))
      if (k in v) out.push(...problems(v[k], sub, `${at}.${k}`));
    return out;
  }
  return [];
}

/** Problems of a response body for `METHOD path-template` with `status`, per the spec. */
export function responseProblems(method: string, template: string, status: number, body: unknown): string[] {
  const op = spec.paths[template]?.[method.toLowerCase()];
  if (!op) return [`no operation ${method} ${template} in GitHub's OpenAPI`];
  const res = op.responses[String(status)];
  if (!res) return [`${method} ${template} documents no ${status} response`];
  const schema = res.content?.['application/json']?.schema;
  return schema ? problems(body, schema) : [];
}
