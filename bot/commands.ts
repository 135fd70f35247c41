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

/**
 * Commands in a comment body: one per line, at the line's start (leading spaces allowed), never
 * inside a quote (`>`) or a fenced code block, where they are someone else's words or an example.
 */
export function parseCommands(body: string): ParsedCommand[] {
  const out: ParsedCommand[] = [];
  let fence: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.replace(/^ {0,3}/, '');
    const f = /^(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1]![0]!.repeat(f[1]!.length);
      else if (line.startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence || line.startsWith('>') || raw.startsWith('    ') || raw.startsWith('\t')) continue;
    const m = /^\/(rso|signoff)(?:\s+(\S+))?(?:\s+(.*))?$/.exec(line.trimEnd());
    if (!m) continue;
    if (m[1] === 'signoff') {
      out.push(signoffCommand(line, (m[2] ?? '').toLowerCase(), (m[3] ?? '').trim()));
      continue;
    }
    const verb = (m[2] ?? '').toLowerCase();
    const rest = (m[3] ?? '').trim();
    switch (verb) {
      case 'approve':
        if (rest === '') out.push({ name: 'approve' });
        else if (/^[0-9a-f]{7,40}$/i.test(rest)) out.push({ name: 'approve', sha: rest.toLowerCase() });
        else
          out.push({
            name: 'invalid',
            text: line,
            why: '`/rso approve` takes an optional commit SHA (7 to 40 hex digits)',
          });
        break;
      case 'reject':
        if (rest) out.push({ name: 'reject', reason: rest.slice(0, 500) });
        else out.push({ name: 'invalid', text: line, why: '`/rso reject` needs a reason: `/rso reject <reason>`' });
        break;
      case 'revoke':
      case 'status':
      case 'recheck':
        out.push({ name: verb });
        break;
      default:
        out.push({
          name: 'invalid',
          text: line,
          why: 'unknown command; use approve, reject, revoke, status or recheck',
        });
    }
  }
  return out;
}

/** `/signoff approve [ROLE] [SHA]`, `/signoff reject [ROLE] <reason>`, `/signoff revoke [ROLE]`, `status`, `recheck`. */
function signoffCommand(line: string, verb: string, rest: string): ParsedCommand {
  const words = rest === '' ? [] : rest.split(/\s+/);
  switch (verb) {
    case 'approve': {
      const [a, b] = words;
      if (words.length === 0) return { name: 'approve', signoff: true };
      if (words.length === 1 && SHA.test(a!)) return { name: 'approve', signoff: true, sha: a!.toLowerCase() };
      if (words.length === 1 && ROLE.test(a!)) return { name: 'approve', signoff: true, role: a!.toLowerCase() };
      if (words.length === 2 && ROLE.test(a!) && SHA.test(b!))
        return { name: 'approve', signoff: true, role: a!.toLowerCase(), sha: b!.toLowerCase() };
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
      if (words.length > 1 && ROLE.test(first!))
        return {
          name: 'reject',
          signoff: true,
          role: first!.toLowerCase(),
          reason: rest.slice(first!.length).trim().slice(0, 500),
          reasonWithRole: rest.slice(0, 500),
        };
      return { name: 'reject', signoff: true, reason: rest.slice(0, 500) };
    }
    case 'revoke':
      if (words.length === 0) return { name: 'revoke', signoff: true };
      if (words.length === 1 && ROLE.test(words[0]!))
        return { name: 'revoke', signoff: true, role: words[0]!.toLowerCase() };
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
