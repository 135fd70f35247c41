import { resolve } from 'node:path';
import { BUILTIN_PACKS } from '../../src/packs/builtin.generated.js';
import { builtinPack } from '../../src/load/policy.js';
import { EXIT, formatOption, stringOption, type Command } from '../command.js';
import { configError, findRoot, policyOf } from '../repository.js';

interface PackRow {
  id: string;
  name: string;
  /** `built-in`, or the repository path of the pack file. */
  source: string;
  levels: string[];
  /** Whether the repository's config (or the default) judges by this pack. */
  used: boolean;
  /** Pack format 2: how the pack's verdicts differ from another pack's. */
  differs_from?: { pack: string; changes: string[] };
}

export const packsCommand: Command = {
  name: 'packs',
  summary: "List the policy packs available: the built-in ones and the repository's own.",
  synopsis: 'packs [DIR] [--config FILE] [--format text|json]',
  details: `DIR is a repository root (default: the one around the working folder). A repository's own
pack is the file its config names in \`policy:\`. The pack in use is marked with "*". Below the
table, how each pack that says so (differs_from) differs from another pack's verdicts.`,
  options: {
    config: { type: 'string', value: 'FILE', help: 'repository config (default: <root>/.github/asl-gate.yml)' },
    format: { type: 'string', value: 'FORMAT', help: 'text (default) or json' },
  },
  async run(args, io) {
    const format = formatOption(args, ['text', 'json'] as const);
    const root = args.positionals[0] !== undefined ? resolve(io.cwd, args.positionals[0]) : findRoot(io.cwd, io.cwd);
    const { result, configPath } = await policyOf(root, stringOption(args, 'config'), io);
    if (!result.ok) return configError(io, root, configPath, result.findings);
    const inUse = result.policy.pack;
    const rows: PackRow[] = Object.keys(BUILTIN_PACKS)
      .sort()
      .map((id) => {
        const { pack } = builtinPack(id)!;
        return {
          id,
          name: pack.name,
          source: 'built-in',
          levels: pack.levels,
          used: inUse.file === `built-in:${id}`,
          ...(pack.differs_from ? { differs_from: pack.differs_from } : {}),
        };
      });
    if (!inUse.file.startsWith('built-in:')) {
      rows.push({
        id: inUse.pack.id,
        name: inUse.pack.name,
        source: inUse.file,
        levels: inUse.pack.levels,
        used: true,
        ...(inUse.pack.differs_from ? { differs_from: inUse.pack.differs_from } : {}),
      });
    }
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify({ packs: rows }, null, 2)}\n`);
      return EXIT.pass;
    }
    const w = (k: 'id' | 'name') => Math.max(k.length, ...rows.map((r) => r[k].length)) + 2;
    const line = (used: string, id: string, name: string, source: string) =>
      `${used} ${id.padEnd(w('id'))}${name.padEnd(w('name'))}${source}`.trimEnd();
    const differences = rows.flatMap((r) =>
      r.differs_from
        ? ['', `${r.id} differs from ${r.differs_from.pack}:`, ...r.differs_from.changes.map((c) => `  - ${c}`)]
        : [],
    );
    io.stdout.write(
      `${[line(' ', 'ID', 'NAME', 'SOURCE'), ...rows.map((r) => line(r.used ? '*' : ' ', r.id, r.name, r.source)), ...differences].join('\n')}\n`,
    );
    return EXIT.pass;
  },
};
