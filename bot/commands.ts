/** The RSO commands of SPEC §5. */
export type Command =
  | { name: 'approve'; sha?: string }
  | { name: 'reject'; reason: string }
  | { name: 'revoke' }
  | { name: 'status' }
  | { name: 'recheck' };

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
    const m = /^\/rso(?:\s+(\S+))?(?:\s+(.*))?$/.exec(line.trimEnd());
    if (!m) continue;
    const verb = (m[1] ?? '').toLowerCase();
    const rest = (m[2] ?? '').trim();
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
