// The CLI as one process: argv and the standard streams in, an exit code out.
import { run } from './main.js';
import { networkErrorLine } from './network-error.js';
import { plainStdout } from './stdout.js';

/** Run the command line of this process; never throws. */
export async function runProcess(): Promise<number> {
  try {
    return await run(process.argv.slice(2), {
      cwd: process.cwd(),
      env: process.env,
      stdout: plainStdout(),
      // A function, not process.stderr itself: building that stream costs milliseconds, and most
      // runs never write to it.
      stderr: { write: (s: string) => process.stderr.write(s) },
    });
  } catch (e) {
    // A network failure is not ours to report with a stack: say what failed, exit 2.
    const network = networkErrorLine(e, process.argv[2], process.env.GITHUB_API_URL || 'https://api.github.com');
    if (network !== undefined) {
      process.stderr.write(`${network}\n`);
      return 2;
    }
    // Only our own bugs reach here: user mistakes are findings or usage errors.
    process.stderr.write(`asl-gate: internal error, please report it:\n${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
