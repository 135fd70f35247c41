import type * as Fs from 'node:fs';

const fs = process.getBuiltinModule('node:fs');

/**
 * Standard output for a command that prints once and exits. `process.stdout` is not touched
 * unless needed: building it loads Node's stream (and for a pipe, net) modules, a few
 * milliseconds of a start-up budget of tens. Writes are synchronous, so nothing is lost at exit.
 */
export function plainStdout(): { write(s: string): void; isTTY: boolean } {
  let fallback = false;
  let closed = false;
  return {
    isTTY: isTerminal(1),
    write(s: string) {
      let buf = Buffer.from(s);
      while (!fallback && !closed && buf.length > 0) {
        try {
          buf = buf.subarray(fs.writeSync(1, buf));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // The reader is gone (`asl-gate check | head -1`): nobody is left to read the rest.
          if (code === 'EPIPE') closed = true;
          // A non-blocking pipe that is full: let Node's stream queue the rest.
          else if (code === 'EAGAIN') fallback = true;
          else throw e;
        }
      }
      if (fallback && buf.length > 0) process.stdout.write(buf);
    },
  };
}

/** Whether `fd` is a terminal; the tty module is loaded only for character devices other than /dev/null. */
function isTerminal(fd: number): boolean {
  let st: Fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isCharacterDevice()) return false;
  const devNull = fs.statSync('/dev/null', { throwIfNoEntry: false });
  if (devNull?.isCharacterDevice() && devNull.rdev === st.rdev) return false;
  return process.getBuiltinModule('node:tty').isatty(fd);
}
