/**
 * What every command of the CLI shares: its table entry (name, usage, options, run), the process
 * it talks to, and option parsing that turns a mistake into one line naming the closest option.
 */
import { parseArgs } from 'node:util';
import { closest } from '../src/suggest.js';

/** What the CLI needs from its process; tests pass their own. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

/** One option of a command, as `node:util` parseArgs takes it, plus its help line. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** The value's placeholder in usage text, e.g. `FILE` (string options). */
  value?: string;
  help: string;
}

/** One entry of the command table: adding a command is one module exporting one of these. */
export interface Command {
  name: string;
  /** One line for `asl-gate help`. */
  summary: string;
  /** The synopsis after `asl-gate`, e.g. `check [PATH...] [--config FILE]`. */
  synopsis: string;
  /** Paragraphs after the synopsis: what it does, exit codes. */
  details?: string;
  options: Record<string, OptionSpec>;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** A mistake on the command line: one line, then a pointer to the command's help. */
export class UsageError extends Error {}

/** The usage text of one command, as `asl-gate help COMMAND` and `COMMAND --help` print it. */
export function usageOf(cmd: Command): string {
  const lines = [`Usage: asl-gate ${cmd.synopsis}`, '', cmd.summary];
  if (cmd.details) lines.push('', cmd.details.trimEnd());
  const opts = Object.entries(cmd.options);
  if (opts.length > 0) {
    lines.push('', 'Options:');
    const left = opts.map(([name, o]) => `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`);
    left.push('-h, --help');
    const width = Math.max(...left.map((l) => l.length)) + 2;
    opts.forEach(([, o], i) => lines.push(`  ${left[i].padEnd(width)}${o.help}`));
    lines.push(`  ${left.at(-1)!.padEnd(width)}print this help and exit`);
  }
  return `${lines.join('\n')}\n`;
}

/** Whether the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** Parse a command's arguments; a mistake becomes a UsageError naming the closest valid option. */
export function parseCommandArgs(cmd: Command, argv: string[]): ParsedArgs {
  const options = Object.fromEntries(
    Object.entries(cmd.options).map(([name, o]) => [
      name,
      {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.multiple ? { multiple: true } : {}),
        ...(o.default !== undefined ? { default: o.default } : {}),
      },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw e;
    const message = (e as Error).message;
    const named = /'(-{1,2}[^' =]*)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const valid = Object.entries(cmd.options).flatMap(([name, o]) => [
        `--${name}`,
        ...(o.short ? [`-${o.short}`] : []),
      ]);
      const near = named.startsWith('--')
        ? closest(
            named,
            valid.filter((v) => v.startsWith('--')),
          )
        : undefined;
      throw new UsageError(`unknown option ${named} for ${cmd.name}${near ? `; did you mean ${near}?` : ''}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = named.replace(/^-+/, '');
      const spec = cmd.options[name] ?? Object.values(cmd.options).find((o) => o.short === name);
      throw new UsageError(
        spec?.type === 'boolean'
          ? `${named} takes no value`
          : `${named} needs a value${spec?.value ? ` (${spec.value})` : ''}`,
      );
    }
    throw new UsageError(message.split('\n')[0]);
  }
}

/** The value of a string option, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `--format`, checked against what the command can print. */
export function formatOption<F extends string>(args: ParsedArgs, allowed: readonly F[]): F {
  const f = stringOption(args, 'format') ?? allowed[0];
  if (!(allowed as readonly string[]).includes(f)) {
    const near = closest(f, allowed);
    throw new UsageError(
      `--format must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, not ${JSON.stringify(f)}${near ? `; did you mean ${near}?` : ''}`,
    );
  }
  return f as F;
}
