import { createHash } from 'node:crypto';

/**
 * The commands of SPEC §5. `/rso …` acts for the rso role and carries no `role`; `/signoff …`
 * carries `signoff: true` and the ROLE it names, if any (left out: the one role the commenter holds
 * that is still needed).
 */
export type Command =
  | ({ name: 'approve'; sha?: string } & RoleOf)
  | ({ name: 'reject'; reason: string } & RoleOf)
  | ({ name: 'revoke' } & RoleOf)
  | { name: 'status' }
  | { name: 'recheck' };

/** Which role a command acts for: rso for `/rso`; for `/signoff`, the ROLE named or the one inferred. */
export interface RoleOf {
  signoff?: true;
  role?: string;
  /** `/signoff reject WORD …`: WORD may be a role or the reason's first word; the config tells. */
  reasonWithRole?: string;
}

const ROLE = /^[a-z][a-z0-9_-]{0,39}$/i;
const SHA = /^[0-9a-f]{7,40}$/i;

/** The role a command acts for: `rso` for `/rso …`; for `/signoff …` the ROLE it names, if any. */
export function roleOf(cmd: RoleOf): string | undefined {
  return cmd.signoff ? cmd.role : 'rso';
}

export type ParsedCommand = Command | { name: 'invalid'; text: string; why: string };

/** A line longer than this is never a command (a command is a few words; a reason is cut at 500). */
export const MAX_COMMAND_LINE = 1000;

/**
 * Commands in a comment body, where GitHub shows them as text at a line's start: one per line
 * (up to three leading spaces), never inside a quote (`>`, its lazy continuation lines included),
 * a fenced code block (``` or ~~~, closed only by a bare fence of the same kind at least as long),
 * an indented code block or an HTML comment (`<!-- … -->`, over any number of lines), where they
 * are someone else's words, an example, or hidden from the reader.
 *
 * Linear in the body's length: one pass over its lines, no backtracking pattern. Lines end at
 * CR LF, LF or CR (CommonMark's line endings); a line longer than MAX_COMMAND_LINE is never a
 * command; U+2028 and U+2029 end a command's text, and what follows them is not at a line's
 * start (GitHub does not break a line there). A body is parsed once: the result is kept by body.
 */
export function parseCommands(body: string): ParsedCommand[] {
  // Most comments name no command: one native search, no scan.
  if (!body.includes('/rso') && !body.includes('/signoff')) return [];
  const key = createHash('sha256').update(body).digest('base64');
  const hit = parsed.get(key);
  if (hit) {
    // Most recently used last.
    parsed.delete(key);
    parsed.set(key, hit);
    return [...hit];
  }
  const out = Object.freeze(scan(body).map((c) => Object.freeze(c)));
  parsed.set(key, out);
  if (parsed.size > MEMO_ENTRIES) parsed.delete(parsed.keys().next().value!);
  return [...out];
}

/**
 * The parse of each recent body, by its digest: decide() replays every comment of a PR on every
 * event, and a body is up to 65,536 characters. Small entries, so many PRs' worth are kept.
 */
const parsed = new Map<string, readonly ParsedCommand[]>();
const MEMO_ENTRIES = 20_000;
/** A comment carries a few commands; past this many the rest are not read. */
export const MAX_COMMANDS = 20;

/** Up to three spaces of indentation: how many (4 means an indented code line, or a tab before column 4). */
function indentOf(line: string): number {
  let i = 0;
  while (i < 4 && line.charCodeAt(i) === 32) i++;
  return i < 4 && line.charCodeAt(i) === 9 ? 4 : i;
}

/** A fence opening at `at` (``` or ~~~, three or more): its character and length, or undefined. */
function fenceAt(line: string, at: number): { char: string; length: number } | undefined {
  const char = line[at];
  if (char !== '`' && char !== '~') return undefined;
  let end = at;
  while (line[end] === char) end++;
  if (end - at < 3) return undefined;
  // A backtick fence's info string holds no backtick (otherwise the line is inline code).
  if (char === '`' && line.indexOf('`', end) !== -1) return undefined;
  return { char, length: end - at };
}

/** Quote and list markers before a line's text (each once per iteration: linear). */
const CONTAINER_MARKERS = /^(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*/;
const QUOTE_MARKERS = /^(?:[ \t]*>)*[ \t]*/;
const LINE_BREAKS = /[\u2028\u2029]/;

const isBlank = (line: string, indent: number) => indent === line.length || line.trim() === '';
/** May a quote or list marker start here (`>`, `-`, `+`, `*`, a digit)? */
const markerStart = (c: string | undefined) =>
  c === '>' || c === '-' || c === '+' || c === '*' || (c !== undefined && c >= '0' && c <= '9');

function scan(body: string): ParsedCommand[] {
  const out: ParsedCommand[] = [];
  let fence: { char: string; length: number; contained: boolean } | undefined;
  let comment = false;
  /** The previous line was a quote's text: a non-blank line now continues it (lazily). */
  let quoted = false;
  // Each line, ended by CR LF, LF or CR, in one pass (the next CR and LF are kept, not searched again).
  let lf = body.indexOf('\n');
  let cr = body.indexOf('\r');
  for (let pos = 0; pos <= body.length && out.length < MAX_COMMANDS;) {
    if (lf !== -1 && lf < pos) lf = body.indexOf('\n', pos);
    if (cr !== -1 && cr < pos) cr = body.indexOf('\r', pos);
    let end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (end === -1) end = body.length;
    const line = body.slice(pos, end);
    pos = end + (body.charCodeAt(end) === 13 && body.charCodeAt(end + 1) === 10 ? 2 : 1);
    if (comment) {
      // Everything up to the line holding `-->` is hidden; so is the rest of that line.
      if (line.length >= 3 && line.includes('-->')) comment = false;
      continue;
    }
    const indent = indentOf(line);
    const first = line[indent];
    if (fence && !fence.contained) {
      // A bare fence line of the same kind, at least as long, closes it; anything else is code.
      const f = indent < 4 && first === fence.char ? fenceAt(line, indent) : undefined;
      if (f && f.length >= fence.length && line.slice(indent + f.length).trim() === '') fence = undefined;
      continue;
    }
    if (fence) {
      // A fence inside a quote or a list item ends with it: at a line that starts at the margin
      // without `>`, then read afresh. Or at a closing fence behind the quote markers (list items
      // repeat no marker; a line starting with one is code).
      const c = line[0];
      if (c === undefined || c === ' ' || c === '\t' || c === '>') {
        const at = QUOTE_MARKERS.exec(line)![0].length;
        const f = line[at] === fence.char ? fenceAt(line, at) : undefined;
        if (f && f.length >= fence.length && line.slice(at + f.length).trim() === '') fence = undefined;
        continue;
      }
      fence = undefined;
    }
    if (isBlank(line, indent)) {
      quoted = false;
      continue;
    }
    // A fence may open inside a quote or a list item too: look past their markers.
    const inner = markerStart(first) ? CONTAINER_MARKERS.exec(line)![0].length : indent;
    const opened = indent < 4 ? fenceAt(line, inner) : undefined;
    if (opened) {
      fence = { ...opened, contained: inner !== indent };
      quoted = false;
      continue;
    }
    // An HTML comment hides what it holds, whether it opens a block or sits inside a line; a line
    // that opens one is not read for a command either.
    const open = line.length >= 4 ? line.lastIndexOf('<!--') : -1;
    if (open !== -1 && line.indexOf('-->', open + 2) === -1) {
      comment = true;
      quoted = false;
      continue;
    }
    if (indent < 4 && first === '>') {
      quoted = true;
      continue;
    }
    if (quoted || indent >= 4 || first !== '/' || line.length > MAX_COMMAND_LINE) continue;
    const cmd = commandOf(line.slice(indent).split(LINE_BREAKS, 1)[0]);
    if (cmd) out.push(cmd);
  }
  return out;
}

/** The command a line's text is, by tokens: `/rso` or `/signoff`, whitespace, a verb, the rest. */
function commandOf(text: string): ParsedCommand | undefined {
  const prefix = text.startsWith('/rso') ? '/rso' : text.startsWith('/signoff') ? '/signoff' : undefined;
  if (!prefix) return undefined;
  const after = text.slice(prefix.length);
  if (after !== '' && !/^\s/.test(after)) return undefined;
  const words = after.trim();
  const space = words.search(/\s/);
  const verb = (space === -1 ? words : words.slice(0, space)).toLowerCase();
  const rest = space === -1 ? '' : words.slice(space).trim();
  const line = text.trimEnd();
  if (prefix === '/signoff') return signoffCommand(line, verb, rest);
  return rsoCommand(line, verb, rest);
}

function rsoCommand(line: string, verb: string, rest: string): ParsedCommand {
  switch (verb) {
    case 'approve':
      if (rest === '') return { name: 'approve' };
      if (SHA.test(rest)) return { name: 'approve', sha: rest.toLowerCase() };
      return { name: 'invalid', text: line, why: '`/rso approve` takes an optional commit SHA (7 to 40 hex digits)' };
    case 'reject':
      if (rest) return { name: 'reject', reason: rest.slice(0, 500) };
      return { name: 'invalid', text: line, why: '`/rso reject` needs a reason: `/rso reject <reason>`' };
    case 'revoke':
    case 'status':
    case 'recheck':
      return { name: verb };
    default:
      return { name: 'invalid', text: line, why: 'unknown command; use approve, reject, revoke, status or recheck' };
  }
}

/** `/signoff approve [ROLE] [SHA]`, `/signoff reject [ROLE] <reason>`, `/signoff revoke [ROLE]`, `status`, `recheck`. */
function signoffCommand(line: string, verb: string, rest: string): ParsedCommand {
  const words = rest === '' ? [] : rest.split(/\s+/);
  switch (verb) {
    case 'approve': {
      const [a, b] = words;
      if (words.length === 0) return { name: 'approve', signoff: true };
      if (words.length === 1 && SHA.test(a)) return { name: 'approve', signoff: true, sha: a.toLowerCase() };
      if (words.length === 1 && ROLE.test(a)) return { name: 'approve', signoff: true, role: a.toLowerCase() };
      if (words.length === 2 && ROLE.test(a) && SHA.test(b))
        return { name: 'approve', signoff: true, role: a.toLowerCase(), sha: b.toLowerCase() };
      return {
        name: 'invalid',
        text: line,
        why: '`/signoff approve` takes an optional role and an optional commit SHA (7 to 40 hex digits): `/signoff approve [ROLE] [SHA]`',
      };
    }
    case 'reject': {
      if (rest === '')
        return {
          name: 'invalid',
          text: line,
          why: '`/signoff reject` needs a reason: `/signoff reject [ROLE] <reason>`',
        };
      const [first] = words;
      // The first word is the role when the config has a role of that name (decided when bound).
      if (words.length > 1 && ROLE.test(first))
        return {
          name: 'reject',
          signoff: true,
          role: first.toLowerCase(),
          reason: rest.slice(first.length).trim().slice(0, 500),
          reasonWithRole: rest.slice(0, 500),
        };
      return { name: 'reject', signoff: true, reason: rest.slice(0, 500) };
    }
    case 'revoke':
      if (words.length === 0) return { name: 'revoke', signoff: true };
      if (words.length === 1 && ROLE.test(words[0]))
        return { name: 'revoke', signoff: true, role: words[0].toLowerCase() };
      return { name: 'invalid', text: line, why: '`/signoff revoke` takes an optional role: `/signoff revoke [ROLE]`' };
    case 'status':
    case 'recheck':
      return { name: verb };
    default:
      return {
        name: 'invalid',
        text: line,
        why: 'unknown command; use /signoff approve, reject, revoke, status or recheck',
      };
  }
}
