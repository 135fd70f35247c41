/**
 * The four file kinds of SPEC §1 as zod schemas. Strict at every level: an unknown key is a
 * `schema.invalid` finding, never silently ignored. Anything that depends on the pack (level
 * names, threshold ids, standards) is checked by the engine against the pack, not here.
 */
import * as z from 'zod/mini';
z.config({ jitless: true });
import { EARLIEST_DATE, isIsoDate } from '../../dates.js';
import { FINDING_CODES } from '../../findings.js';

/**
 * `schema` with a description (and other JSON Schema keywords) for editors and `asl-gate schema`.
 * Kept in zod's global registry rather than as a check, so validation is unchanged; a clone, so a
 * schema shared by several fields carries each field's own description.
 */
function doc<T extends z.ZodMiniType>(schema: T, description: string, extra: Record<string, unknown> = {}): T {
  const described = schema.clone();
  z.globalRegistry.add(described, { description, ...extra });
  return described;
}

const text = z.string().check(z.minLength(1, 'expected a non-empty string'));
const id = z
  .string()
  .check(z.minLength(1, 'expected a non-empty id'), z.maxLength(200, 'expected an id of at most 200 characters'));
/** The message of a date that is not YYYY-MM-DD at all (validate.ts rewords it, with the value). */
export const DATE_FORMAT_MESSAGE = 'expected a date as YYYY-MM-DD';
const isoDate = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, DATE_FORMAT_MESSAGE),
  z.refine(isIsoDate, {
    error: (issue) =>
      String(issue.input) < EARLIEST_DATE
        ? `expected a date on or after ${EARLIEST_DATE}`
        : 'expected a real calendar date',
  }),
);
/** A date field: YYYY-MM-DD, a real UTC calendar day. */
// For editors, the pattern also refuses months and days that cannot be, and years before 2000 (which
// the engine refuses); `format: date` lets a validator that asserts formats catch a 30 February.
const date = (description: string) =>
  doc(isoDate, `${description} (YYYY-MM-DD, a UTC day, from 2000-01-01)`, {
    format: 'date',
    pattern: '^[2-9]\\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])$',
  });
/** A repository path relative to the declaration's folder, or an `https://` link. */
const pathOrLink = z.string().check(z.minLength(1, 'expected a path or an https:// link'), z.maxLength(4096));
const fileOrLink = (what: string) =>
  doc(pathOrLink, `${what}: a path relative to the declaration's folder (inside the repository), or an https:// link`);
/** A level name of the pack in use. */
const level = (description: string) =>
  doc(text, `${description}: one of the pack's levels (built-in pack: ASL-1, ASL-2, ASL-3, ASL-4)`);

export const thresholdStatus = z.enum(['ruled_out', 'not_ruled_out', 'crossed']);
export type ThresholdStatus = z.infer<typeof thresholdStatus>;
const status = (description: string) =>
  doc(
    thresholdStatus,
    `${description}: ruled_out (an assessment shows the model is below the threshold), not_ruled_out (it cannot be shown to be below), or crossed (it is above)`,
  );

export const declarationSchema = doc(
  z.strictObject({
    model: doc(id, 'The model being released, e.g. nova-2'),
    snapshot: z.optional(doc(text, 'The exact model snapshot released, e.g. a digest (sha256:…)')),
    policy: doc(
      id,
      "The pack the release is judged by (its id, e.g. anthropic-rsp-2.2); must be the repository config's pack",
    ),
    release_date: date('The planned release day; cadence is judged at the later of this and the day of the check'),
    declared: doc(
      z.record(z.string(), z.string()),
      'The declared level per standard of the pack (built-in pack: deployment and security, each one of ASL-1 … ASL-4), plus an optional basis: determined | precautionary',
      { examples: [{ deployment: 'ASL-3', security: 'ASL-3', basis: 'precautionary' }] },
    ),
    effective_compute_since_last_comprehensive: z.optional(
      doc(
        z.number().check(z.gte(1, 'expected a number >= 1')),
        "Effective compute of this model as a multiple of the last comprehensively assessed one (>= 1); at the pack's multiple a new comprehensive assessment is due",
        { minimum: 1 },
      ),
    ),
    thresholds: z.optional(
      doc(
        z.array(
          doc(
            z.strictObject({
              id: doc(
                id,
                'A threshold id of the pack (built-in pack: CBRN-3, CBRN-4, AI-RD-CHECKPOINT, AI-RD-4, AI-RD-5)',
              ),
              status: status('What the assessments show for this threshold'),
              assessments: z.optional(
                doc(
                  z.array(doc(id, 'The id of an assessment of this release')),
                  'The assessments that support the status (their ids)',
                ),
              ),
            }),
            'The status of one capability threshold',
          ),
        ),
        'One entry per threshold of the pack',
      ),
    ),
    safeguards: z.optional(
      doc(
        z.array(
          doc(
            z.strictObject({
              id: doc(id, 'A safeguard id of the pack, e.g. deployment.realtime-monitoring'),
              status: doc(
                z.enum(['implemented', 'planned', 'not_applicable']),
                'implemented (needs evidence), planned, or not_applicable; a safeguard the declared level requires must be implemented',
              ),
              evidence: z.optional(
                fileOrLink('Evidence that the safeguard is implemented (required when implemented)'),
              ),
            }),
            'One safeguard and its state',
          ),
        ),
        'The safeguards in place; every safeguard the declared levels require must be listed, implemented, with evidence',
      ),
    ),
    reports: z.optional(
      doc(
        z.strictObject({
          capability: z.optional(
            fileOrLink("The capability report (required from the pack's reports.capability_from)"),
          ),
          safeguards: z.optional(
            doc(
              z.record(z.string(), fileOrLink('A safeguards report')),
              "A safeguards report per standard declared at or above the pack's reports.safeguards_from, keyed by standard",
            ),
          ),
        }),
        'The reports behind the release',
      ),
    ),
    reviews: z.optional(
      doc(
        z.strictObject({
          internal: z.optional(
            doc(
              z.array(
                doc(
                  z.strictObject({
                    by: doc(text, 'Who reviewed, e.g. alignment-stress-testing'),
                    date: date('When the review was done'),
                    evidence: z.optional(fileOrLink('The review')),
                  }),
                  'One internal review',
                ),
              ),
              "Internal stress-testing of the capability case (at least one from the pack's reviews.internal_from)",
            ),
          ),
          external: z.optional(
            doc(
              z.array(
                doc(
                  z.strictObject({
                    org: doc(text, 'The organisation the assessment was shared with, e.g. US AISI'),
                    shared_on: date('When it was shared'),
                    receipt: z.optional(
                      fileOrLink('The receipt of the organisation (required for the review to count)'),
                    ),
                    evidence: z.optional(
                      fileOrLink(
                        "Evidence of the input received (counts instead of a receipt when the pack's reviews.external_receipt is false)",
                      ),
                    ),
                  }),
                  'One external review',
                ),
              ),
              "Assessments shared with an outside body such as an AI Safety Institute (at least one with a receipt from the pack's reviews.external_from)",
            ),
          ),
        }),
        'Reviews of the capability case',
      ),
    ),
    assessments: z.optional(
      doc(
        z.array(doc(pathOrLink, "An assessment file: a path relative to the declaration's folder")),
        'The assessment files of the release',
      ),
    ),
    // Pack format 2 (docs/files.md "Pack format 2"): read only when the pack has the rules that need them.
    artifacts: z.optional(
      doc(
        z.array(
          doc(
            z.strictObject({
              id: doc(id, "An artifact id of the pack's artifacts, e.g. safety-case"),
              threshold: z.optional(
                doc(id, 'The threshold this artifact is for (required when the pack asks for one per threshold)'),
              ),
              path: fileOrLink('The artifact'),
            }),
            'One artifact the pack asks for',
          ),
        ),
        "Artifacts the pack's artifacts rules require (safety cases, response plans, misalignment cases, …)",
      ),
    ),
    research: z.optional(
      doc(
        z.array(
          doc(
            z.strictObject({
              id: doc(id, 'A research category id of the pack'),
              report: fileOrLink('Where the category was assessed and reported'),
            }),
            'The report of one research category',
          ),
        ),
        "Reports of the pack's research categories (assessed and reported; they set no level)",
      ),
    ),
    noncompliance: z.optional(
      doc(
        z.array(
          doc(
            z.strictObject({
              finding: doc(text, 'The finding code acknowledged, e.g. evaluation.late', { enum: [...FINDING_CODES] }),
              assessment: z.optional(doc(id, 'The id of the assessment the finding is about')),
              reason: doc(text, 'Why, in a sentence; shown with the finding'),
              report: z.optional(fileOrLink('The noncompliance report')),
            }),
            'One acknowledged deviation',
          ),
        ),
        'Deviations the lab reports about itself: a matching evaluation.late becomes a warning, and RSO approval becomes required',
      ),
    ),
  }),
  'The ASL declaration of one model release (releases/<model>/asl.yml)',
);
export type Declaration = z.infer<typeof declarationSchema>;

export const assessmentSchema = doc(
  z.strictObject({
    id: doc(id, 'The assessment id, unique within the release; the declaration cites it'),
    kind: doc(
      z.enum(['preliminary', 'comprehensive']),
      "preliminary or comprehensive; only comprehensive ones meet the pack's cadence",
    ),
    thresholds: doc(z.array(doc(id, 'A threshold id of the pack')), 'The thresholds this assessment covers'),
    due: date('The day the assessment must be completed by'),
    completed: z.optional(z.nullable(date('The day it was completed; absent or null while not complete'))),
    result: z.optional(
      z.nullable(
        doc(
          z.record(z.string(), status('The outcome for this threshold')),
          'The outcome per covered threshold (threshold id: status); absent or null while not complete',
          { examples: [{ 'CBRN-3': 'not_ruled_out' }] },
        ),
      ),
    ),
    report: z.optional(fileOrLink('The assessment report')),
    evals: z.optional(
      doc(
        z.array(z.record(z.string(), z.unknown())),
        'Free-form detail: a list of objects (name, metric, value, …), not judged',
      ),
    ),
  }),
  'One capability assessment of a release (a file listed under assessments: in the declaration)',
);
export type Assessment = z.infer<typeof assessmentSchema>;

// --- Sign-off by several roles (SPEC §1.3 `signoff:`; issue 17) ----------------------------------
// Kept in one block: the config's `signoff:` and the pack's `signoff:` (the roles a policy demands).

/**
 * Who holds a role: logins and team slugs. Capped, because the App looks up commenters against these
 * lists on every event and a list on a base branch anyone can push to must not cost the
 * installation's API quota (attack review finding 7).
 */
export const MAX_ROLE_USERS = 100;
export const MAX_ROLE_TEAMS = 20;
export const MAX_ROLES = 20;
const loginList = (description: string) =>
  doc(
    z
      .array(doc(text, 'A GitHub login'))
      .check(
        z.maxLength(
          MAX_ROLE_USERS,
          `expected at most ${MAX_ROLE_USERS} logins (name a team instead: teams are checked per commenter)`,
        ),
      ),
    description,
  );
const teamList = (description: string) =>
  doc(
    z
      .array(doc(text, 'A team slug'))
      .check(z.maxLength(MAX_ROLE_TEAMS, `expected at most ${MAX_ROLE_TEAMS} teams (a team may hold many members)`)),
    description,
  );

/** A role id: a command names it (`/signoff approve ceo`), so it never looks like a commit SHA. */
const roleId = doc(
  z.string().check(
    z.regex(
      /^[a-z][a-z0-9_-]{0,39}$/,
      'expected a role id: a lowercase letter, then lowercase letters, digits, - or _ (at most 40), e.g. rso or ceo',
    ),
    z.refine((s) => !/^[0-9a-f]{7,}$/.test(s), {
      error: 'expected a role id that does not look like a commit SHA (7 or more hex digits)',
    }),
  ),
  'A role id, e.g. rso or ceo',
);
const roleList = (description: string) =>
  doc(z.array(roleId).check(z.minLength(1, 'expected at least one role')), description);

/** The config's `signoff:`: who holds each role, which roles a release needs by level, and a policy change. */
export const signoffConfigSchema = doc(
  z.strictObject({
    roles: doc(
      z.record(
        roleId,
        doc(
          z.strictObject({
            users: z.optional(loginList('GitHub logins holding the role (compared by numeric user id)')),
            teams: z.optional(
              teamList("Team slugs in the repository owner's organisation whose active members hold the role"),
            ),
          }),
          'Who holds the role',
        ),
      ),
      'Role id -> who holds it, e.g. rso: {users: [kaplan], teams: [responsible-scaling]}',
    ).check(
      z.refine((roles) => Object.keys(roles).length <= MAX_ROLES, {
        error: `expected at most ${MAX_ROLES} roles`,
      }),
      // A commenter who names no role is checked against every role's teams: bound them together.
      z.refine((roles) => new Set(Object.values(roles).flatMap((h) => h.teams ?? [])).size <= MAX_ROLE_TEAMS, {
        error: `expected at most ${MAX_ROLE_TEAMS} teams over all roles (a team may hold several roles)`,
      }),
    ),
    require: doc(
      z
        .array(
          doc(
            z.strictObject({
              from_level: level(
                'The rule applies to releases whose highest declared level is at or above this (and below the next rule)',
              ),
              roles: roleList('The roles that must each sign off, each by a different person'),
            }),
            'One sign-off rule',
          ),
        )
        .check(z.minLength(1, 'expected at least one rule')),
      "The rule with the highest from_level at or below a release's highest declared level applies",
    ),
    changes: z.optional(
      roleList(
        'The roles a pull request that changes the gate config or a pack needs (default: every role a rule names)',
      ),
    ),
  }),
  'Sign-off by several roles (replaces rso: and approval.from_level); each required role needs an approval of the head by a different person holding it',
);
export type SignoffConfig = z.infer<typeof signoffConfigSchema>;

/** The pack's `signoff:`: the roles its policy demands from a level (a config may add roles, never drop these). */
function buildPackSignoffSchema() {
  return doc(
    z.array(
      doc(
        z.strictObject({
          from_level: doc(id, 'The lowest level at which the policy demands these roles (every higher level does too)'),
          roles: roleList('The roles the policy demands, each by a different person'),
          source: z.optional(doc(text, 'Where the policy says so (document, version, section)')),
        }),
        'Roles the policy demands from a level',
      ),
    ),
    "The roles the policy demands per level; with a config's signoff:, each must be required there",
  );
}

// --- End of sign-off ------------------------------------------------------------------------------

export const configSchema = doc(
  z.strictObject({
    policy: z.optional(
      doc(
        id,
        'The pack: a built-in pack id (anthropic-rsp-2.2, the default) or a path to a pack file in the repository',
        { examples: ['anthropic-rsp-2.2'] },
      ),
    ),
    releases: z.optional(
      doc(
        z.array(doc(text, 'A glob of declaration files')).check(z.minLength(1, 'expected at least one glob')),
        'Where declarations live (default: ["releases/*/asl.yml"])',
      ),
    ),
    grace_days: z.optional(
      doc(
        z.int().check(z.gte(0, 'expected a whole number >= 0'), z.lte(365, 'expected at most 365 days')),
        'Days an evaluation may pass its due date before it is late or overdue (default 0)',
      ),
    ),
    rso: z.optional(
      doc(
        z.strictObject({
          users: z.optional(loginList('GitHub logins of Responsible Scaling Officers (compared by numeric user id)')),
          teams: z.optional(
            teamList("Team slugs in the repository owner's organisation whose active members are RSOs"),
          ),
        }),
        'Who may approve a release in the RSO approval App',
      ),
    ),
    approval: z.optional(
      doc(
        z.strictObject({
          from_level: z.optional(
            level('Declared levels at or above this need RSO approval (default: the lowest level)'),
          ),
          allow_author: z.optional(doc(z.boolean(), "May the PR's author approve as RSO? (default false)")),
        }),
        'When RSO approval is required, and from whom',
      ),
    ),
    signoff: z.optional(signoffConfigSchema),
  }),
  'The repository config (.github/asl-gate.yml), read from the base branch of a pull request; every key is optional',
);
export type Config = z.infer<typeof configSchema>;

/** Where a pack entry comes from in the framework's text (pack format 2). */
const source = (what: string) =>
  doc(
    z.strictObject({
      document: z.optional(
        doc(text, "The document, e.g. Anthropic Responsible Scaling Policy (default: the pack's source)"),
      ),
      version: z.optional(doc(text, 'Its version, e.g. "2.2" (quoted; default: the pack\'s source)')),
      date: z.optional(date('The date of that version')),
      section: z.optional(
        doc(
          text,
          'The section, table, appendix or footnote, e.g. "§2 Table 1"; required on every entry of a format-2 pack',
        ),
      ),
      url: z.optional(
        doc(z.string().check(z.regex(/^https:\/\//, 'expected an https:// link')), 'Where the document is published'),
      ),
      note: z.optional(doc(text, 'A hedge or caveat of the text, e.g. "stated as an expectation"')),
    }),
    `Where ${what} comes from in the framework's text`,
  );
const severityOf = (description: string) => doc(z.enum(['error', 'warning']), description);

/**
 * Pack format 2: every field here is optional, so a format-1 pack (today's, the frozen
 * anthropic-rsp-2.2 included) validates and is judged exactly as before. `format: 2` makes
 * `source` required everywhere (checked in indexPack, as schema.invalid on the pack).
 */
function packFormat2Fields() {
  return {
    format: z.optional(
      doc(
        z.literal(2),
        'Pack format 2: sources are required on the pack, every level, threshold, safeguard, artifact and research category',
      ),
    ),
    source: z.optional(source('the pack')),
    level_sources: z.optional(doc(z.record(z.string(), source('a level')), 'The source of each level, keyed by level')),
    notes: z.optional(
      doc(
        z.array(doc(text, 'One note')),
        'What the pack leaves out or reads in a particular way, and why (shown by asl-gate packs and explain)',
      ),
    ),
    differs_from: z.optional(
      doc(
        z.strictObject({
          pack: doc(id, 'The pack compared with, e.g. anthropic-rsp-2.2'),
          changes: doc(
            z.array(doc(text, 'One difference')).check(z.minLength(1)),
            'How verdicts differ from that pack, one line each',
          ),
        }),
        'How this pack differs from another pack (shown by asl-gate packs)',
      ),
    ),
    artifacts: z.optional(
      doc(
        z.array(
          doc(
            z.strictObject({
              id: doc(id, 'The artifact id a declaration names under artifacts:'),
              description: doc(text, 'What the artifact is'),
              when: doc(
                z.strictObject({
                  thresholds: z.optional(
                    doc(
                      z.array(doc(id, 'A threshold id of the pack')).check(z.minLength(1)),
                      'Required when any of these thresholds is not ruled out',
                    ),
                  ),
                  level_from: z.optional(doc(id, 'Required when any standard is declared at or above this level')),
                }),
                'When it is required (every key given must hold; {} means always)',
              ),
              per_threshold: z.optional(
                doc(z.boolean(), 'One artifact per listed threshold not ruled out (default false: one for all)'),
              ),
              severity: z.optional(severityOf('What a missing artifact is (default error)')),
              source: z.optional(source('the artifact rule')),
            }),
            'One artifact rule',
          ),
        ),
        'Artifacts required per threshold or condition (artifact.missing when absent)',
      ),
    ),
    research_categories: z.optional(
      doc(
        z.array(
          doc(
            z.strictObject({
              id: doc(id, 'The research category id, e.g. CYBER-OPERATIONS'),
              description: doc(text, 'What is assessed'),
              report: doc(
                z.enum(['optional', 'warning', 'error']),
                'What an unreported category is: nothing, a warning, or an error (research.unreported)',
              ),
              source: z.optional(source('the research category')),
            }),
            'One research category',
          ),
        ),
        'Categories assessed and reported that set no level',
      ),
    ),
  };
}

function buildPackSchema() {
  return doc(
    z.strictObject({
      id: doc(id, 'The pack id, named by configs and declarations, e.g. anthropic-rsp-2.2'),
      name: doc(text, 'A human name for the policy'),
      levels: doc(
        z.array(doc(id, 'A level name')).check(z.minLength(1, 'expected at least one level')),
        'The levels, lowest first, e.g. [ASL-1, ASL-2, ASL-3, ASL-4]',
      ),
      standards: doc(
        z.array(doc(id, 'A standard name')).check(z.minLength(1, 'expected at least one standard')),
        'The standards a declaration declares a level for (the keys of its declared:), e.g. [deployment, security]',
      ),
      thresholds: doc(
        z.array(
          doc(
            z.strictObject({
              id: doc(id, 'The threshold id, e.g. CBRN-3'),
              description: doc(text, 'What crossing it means'),
              requires: doc(
                z.record(z.string(), doc(id, 'A level of the pack')),
                'The level each standard must be declared at or above when the threshold is not ruled out',
              ),
              // Pack format 2:
              consequence: z.optional(
                doc(
                  z.enum(['level', 'halt', 'alert']),
                  'level (default): requires levels; halt: not ruled out fails the release (threshold.halt); alert: an early warning that sets no level, only the artifacts naming it',
                ),
              ),
              source: z.optional(source('the threshold')),
            }),
            'One capability threshold',
          ),
        ),
        'The capability thresholds',
      ),
      safeguards: doc(
        z.array(
          doc(
            z.strictObject({
              id: doc(id, 'The safeguard id, e.g. deployment.realtime-monitoring'),
              standard: doc(id, 'The standard it belongs to'),
              from: doc(id, 'The lowest level that requires it (every higher level does too)'),
              description: doc(text, 'What the safeguard is'),
              source: z.optional(source('the safeguard')), // pack format 2
            }),
            'One safeguard',
          ),
        ),
        'The safeguards, cumulative by level',
      ),
      cadence: doc(
        z.strictObject({
          comprehensive_max_age_days: z.optional(
            doc(
              z.int().check(z.gte(1)),
              'How old the newest comprehensive assessment of a threshold may be, in days; absent: no interval, every covered release is assessed',
            ),
          ),
          effective_compute_multiple: z.optional(
            doc(
              z.number().check(z.gt(1)),
              'Effective compute growth since the last comprehensive assessment that makes a new one due; absent: none',
            ),
          ),
          source: z.optional(source('the cadence')), // pack format 2
        }),
        'How often thresholds must be assessed',
      ),
      reports: doc(
        z.strictObject({
          capability_from: z.optional(
            doc(id, 'A capability report is required when any standard is declared at or above this level'),
          ),
          safeguards_from: z.optional(
            doc(id, 'A safeguards report is required per standard declared at or above this level'),
          ),
          source: z.optional(source('the report rules')), // pack format 2
        }),
        'Which reports a release needs',
      ),
      reviews: doc(
        z.strictObject({
          internal_from: z.optional(doc(id, 'An internal review is required from this level')),
          external_from: z.optional(doc(id, 'An external review with a receipt is required from this level')),
          external_receipt: z.optional(
            doc(
              z.boolean(),
              'false: an external review with evidence (solicited input) counts without a receipt (default true); pack format 2',
            ),
          ),
          source: z.optional(source('the review rules')), // pack format 2
        }),
        'Which reviews a release needs',
      ),
      ...packFormat2Fields(),
      signoff: z.optional(buildPackSignoffSchema()),
    }),
    'A policy pack: levels, capability thresholds, safeguards and cadence, as data',
  );
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
