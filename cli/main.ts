/**
 * The command line: a table of commands (one module each under commands/), the conventions they
 * share (`help`, `--help`, `--version`), and usage errors as one line plus where to read more.
 */
import { EXIT, parseCommandArgs, usageOf, UsageError, wantsHelp, type CliIO, type Command } from './command.js';
import { checkCommand } from './commands/check.js';
import { dueCommand } from './commands/due.js';
import { explainCommand } from './commands/explain.js';
import { initCommand } from './commands/init.js';
import { packsCommand } from './commands/packs.js';
import { protectCommand } from './commands/protect.js';
import { schemaCommand } from './commands/schema.js';
import { closest } from '../src/suggest.js';
import { VERSION as PACKAGE_VERSION } from './version.generated.js';

export { EXIT, type CliIO } from './command.js';

/** Every command, in the order `asl-gate help` lists them. */
export const COMMANDS: readonly Command[] = [
  checkCommand,
  initCommand,
  explainCommand,
  packsCommand,
  dueCommand,
  schemaCommand,
  protectCommand,
];

const VERSION = `asl-gate ${PACKAGE_VERSION}\n`;

function globalUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `Usage: asl-gate <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}
  ${'help'.padEnd(width)}Print the usage of a command: asl-gate help COMMAND
  ${'version'.padEnd(width)}Print the version (also --version, -V)

Run \`asl-gate help COMMAND\` or \`asl-gate COMMAND --help\` for a command's options.
Exit codes: 0 pass, 1 fail, 2 usage or configuration error.
`;
}

function usageError(io: CliIO, message: string, command?: Command): number {
  io.stderr.write(`asl-gate: ${message}\nsee \`asl-gate help${command ? ` ${command.name}` : ''}\`\n`);
  return EXIT.usage;
}

function commandNamed(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function unknownCommand(name: string): string {
  const near = closest(name, [...COMMANDS.map((c) => c.name), 'help', 'version']);
  return `unknown command ${JSON.stringify(name)}${near ? `; did you mean ${near}?` : ''}`;
}

/** Run the CLI; returns the exit code. Never throws for a user's mistake. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(globalUsage());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h') {
    io.stdout.write(globalUsage());
    return EXIT.pass;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(VERSION);
    return EXIT.pass;
  }
  if (name === 'help') {
    if (rest.length === 0 || rest[0] === 'help' || rest[0] === 'version') {
      io.stdout.write(globalUsage());
      return EXIT.pass;
    }
    const cmd = commandNamed(rest[0]);
    if (!cmd) return usageError(io, unknownCommand(rest[0]));
    io.stdout.write(usageOf(cmd));
    return EXIT.pass;
  }
  const cmd = commandNamed(name);
  if (!cmd)
    return usageError(
      io,
      name.startsWith('-') ? `unknown option ${name}; options follow a command` : unknownCommand(name),
    );
  if (wantsHelp(rest)) {
    io.stdout.write(usageOf(cmd));
    return EXIT.pass;
  }
  try {
    return await cmd.run(parseCommandArgs(cmd, rest), io);
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, e.message, cmd);
    throw e;
  }
}
