/**
 * The engine's public API: read a repository through a snapshot port, judge its releases against
 * a pack, render the report. No GitHub client in here; adapters bring their own ports.
 */
export { checkRepository, type CheckOptions, type CheckReport } from './engine/check.js';
export {
  dueInRepository,
  dueItems,
  type DueItem,
  type DueOptions,
  type DueReport,
  type DueState,
} from './engine/due.js';
export { judgeRelease, type ReleaseResult } from './engine/evaluate.js';
export { FINDING_CODES, type Finding, type FindingCode, type Verdict } from './findings.js';
export { builtinPack, loadPolicy, type Policy, type Settings } from './load/policy.js';
export { DEFAULT_CAPS, type Caps } from './load/read-yaml.js';
export { loadRelease } from './load/release.js';
export { renderDueIcs } from './report/due-ics.js';
export { renderDueJson } from './report/due-json.js';
export { renderDueMarkdown } from './report/due-markdown.js';
export { renderDueText } from './report/due-text.js';
export { renderJson } from './report/json.js';
export { renderMarkdown } from './report/markdown.js';
export { renderText } from './report/text.js';
export { FsSnapshot } from './snapshot/fs.js';
export { MemorySnapshot, type MemoryFiles } from './snapshot/memory.js';
export type { RepoSnapshot } from './snapshot/port.js';
