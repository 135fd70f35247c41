/**
 * The four file kinds of SPEC §1 as zod schemas. Strict at every level: an unknown key is a
 * `schema.invalid` finding, never silently ignored. Anything that depends on the pack (level
 * names, threshold ids, standards) is checked by the engine against the pack, not here.
 */
import * as z from 'zod/mini';
z.config({ jitless: true });
import { EARLIEST_DATE, isIsoDate } from '../dates.js';

const text = z.string().check(z.minLength(1, 'expected a non-empty string'));
const id = z.string().check(z.minLength(1, 'expected a non-empty id'), z.maxLength(200, 'expected an id of at most 200 characters'));
const isoDate = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD'),
  z.refine(isIsoDate, { error: (issue) => (String(issue.input) < EARLIEST_DATE ? `expected a date on or after ${EARLIEST_DATE}` : 'expected a real calendar date') }),
);
/** A repository path relative to the declaration's folder, or an `https://` link. */
const pathOrLink = z.string().check(z.minLength(1, 'expected a path or an https:// link'), z.maxLength(4096));

export const thresholdStatus = z.enum(['ruled_out', 'not_ruled_out', 'crossed']);
export type ThresholdStatus = z.infer<typeof thresholdStatus>;

export const declarationSchema = z.strictObject({
  model: id,
  snapshot: z.optional(text),
  policy: id,
  release_date: isoDate,
  // One level per standard of the pack plus an optional `basis`; keys are checked against the pack.
  declared: z.record(z.string(), z.string()),
  effective_compute_since_last_comprehensive: z.optional(z.number().check(z.gte(1, 'expected a number >= 1'))),
  thresholds: z.optional(
    z.array(
      z.strictObject({
        id,
        status: thresholdStatus,
        assessments: z.optional(z.array(id)),
      }),
    ),
  ),
  safeguards: z.optional(
    z.array(
      z.strictObject({
        id,
        status: z.enum(['implemented', 'planned', 'not_applicable']),
        evidence: z.optional(pathOrLink),
      }),
    ),
  ),
  reports: z.optional(
    z.strictObject({
      capability: z.optional(pathOrLink),
      safeguards: z.optional(z.record(z.string(), pathOrLink)),
    }),
  ),
  reviews: z.optional(
    z.strictObject({
      internal: z.optional(z.array(z.strictObject({ by: text, date: isoDate, evidence: z.optional(pathOrLink) }))),
      external: z.optional(z.array(z.strictObject({ org: text, shared_on: isoDate, receipt: z.optional(pathOrLink) }))),
    }),
  ),
  assessments: z.optional(z.array(pathOrLink)),
  noncompliance: z.optional(
    z.array(
      z.strictObject({
        finding: text,
        assessment: z.optional(id),
        reason: text,
        report: z.optional(pathOrLink),
      }),
    ),
  ),
});
export type Declaration = z.infer<typeof declarationSchema>;

export const assessmentSchema = z.strictObject({
  id,
  kind: z.enum(['preliminary', 'comprehensive']),
  thresholds: z.array(id),
  due: isoDate,
  completed: z.optional(z.nullable(isoDate)),
  result: z.optional(z.nullable(z.record(z.string(), thresholdStatus))),
  report: z.optional(pathOrLink),
  evals: z.optional(z.array(z.record(z.string(), z.unknown()))),
});
export type Assessment = z.infer<typeof assessmentSchema>;

export const configSchema = z.strictObject({
  policy: z.optional(id),
  releases: z.optional(z.array(text).check(z.minLength(1, 'expected at least one glob'))),
  grace_days: z.optional(z.int().check(z.gte(0, 'expected a whole number >= 0'), z.lte(365, 'expected at most 365 days'))),
  rso: z.optional(
    z.strictObject({
      users: z.optional(z.array(text)),
      teams: z.optional(z.array(text)),
    }),
  ),
  approval: z.optional(
    z.strictObject({
      from_level: z.optional(text),
      allow_author: z.optional(z.boolean()),
    }),
  ),
});
export type Config = z.infer<typeof configSchema>;

function buildPackSchema() {
  return z.strictObject({
    id,
    name: text,
    levels: z.array(id).check(z.minLength(1, 'expected at least one level')),
    standards: z.array(id).check(z.minLength(1, 'expected at least one standard')),
    thresholds: z.array(
      z.strictObject({
        id,
        description: text,
        requires: z.record(z.string(), id),
      }),
    ),
    safeguards: z.array(
      z.strictObject({
        id,
        standard: id,
        from: id,
        description: text,
      }),
    ),
    cadence: z.strictObject({
      comprehensive_max_age_days: z.int().check(z.gte(1)),
      effective_compute_multiple: z.number().check(z.gt(1)),
    }),
    reports: z.strictObject({
      capability_from: z.optional(id),
      safeguards_from: z.optional(id),
    }),
    reviews: z.strictObject({
      internal_from: z.optional(id),
      external_from: z.optional(id),
    }),
  });
}
let packSchemaBuilt: ReturnType<typeof buildPackSchema> | undefined;
/** Built on first use: most runs judge by a built-in pack, validated when it was generated. */
export function packSchema(): ReturnType<typeof buildPackSchema> {
  return (packSchemaBuilt ??= buildPackSchema());
}
export type Pack = z.infer<ReturnType<typeof buildPackSchema>>;

export const SCHEMAS = {
  declaration: declarationSchema,
  assessment: assessmentSchema,
  config: configSchema,
  get pack() {
    return packSchema();
  },
} as const;
export type FileKind = keyof typeof SCHEMAS;
