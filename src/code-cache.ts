import type * as Fs from 'node:fs';
import type { createRequire as CreateRequire } from 'node:module';
import type * as Path from 'node:path';
import type * as Vm from 'node:vm';

// Builtins by getBuiltinModule: an `import` would build their ES-module views at every start.
const fs = process.getBuiltinModule('node:fs') as typeof Fs;
const path = process.getBuiltinModule('node:path') as typeof Path;
const vm = process.getBuiltinModule('node:vm') as typeof Vm;
const { createRequire } = process.getBuiltinModule('node:module') as { createRequire: typeof CreateRequire };

export type CacheStatus = 'accepted' | 'missing' | 'stale' | 'rejected' | 'off';

export interface CachedModule {
  exports: Record<string, unknown>;
  /** What became of the cache file on this load. */
  status: CacheStatus;
  /**
   * Write the code cache, now holding every function this process compiled, unless the one
   * loaded was accepted. Failures (a read-only install, say) are ignored: the cache is an
   * optimisation, never a requirement.
   */
  save(): void;
}

/**
 * Load a CommonJS bundle with a V8 code cache kept beside it (`<file>.cache`).
 *
 * A short run spends much of its time compiling functions the first time they are called, and
 * Node's own compile cache only holds what was compiled before a module started running. Here the
 * cache is written after a run, so it holds every function that run needed; the next start
 * deserialises them instead of compiling. The cache is used only when its header names this Node,
 * the bundle's build (a hash of its code, stamped on its first line) and its exact size and
 * modification time, and V8 checks it again (its own version, flags, source length); anything else
 * is recompiled and the cache rewritten. It lives beside the bundle, so whoever could tamper with
 * it could tamper with the code itself. NODE_DISABLE_COMPILE_CACHE switches it off, as it does
 * Node's own.
 */
export function loadWithCodeCache(file: string): CachedModule {
  const cacheFile = `${file}.cache`;
  // Size and time from the same open file as the text, so they describe what is compiled.
  const fd = fs.openSync(file, 'r');
  let source: string;
  let st: Fs.Stats;
  try {
    st = fs.fstatSync(fd);
    source = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  // The build's own name for itself, from its first line (see rolldown.config.mjs), if it has one.
  const build = /^\/\/ asl-gate build (\w+)\n/.exec(source)?.[1] ?? '-';
  const key = `asl-gate code cache 2 ${process.version} ${process.arch} ${build} ${st.size} ${Math.trunc(st.mtimeMs)}\n`;
  let cached: Buffer | undefined;
  // Off wherever Node's own compile cache is switched off.
  let status: CacheStatus = process.env.NODE_DISABLE_COMPILE_CACHE ? 'off' : 'missing';
  if (status === 'missing') {
    try {
      const data = fs.readFileSync(cacheFile);
      if (data.subarray(0, key.length).toString('latin1') === key) cached = data.subarray(key.length);
      else status = 'stale';
    } catch {
      // No cache yet.
    }
  }
  // The CommonJS wrapper on the first line, so line numbers in stack traces stay the bundle's own.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cached ? { cachedData: cached } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cached) status = script.cachedDataRejected ? 'rejected' : 'accepted';
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return {
    exports: module.exports,
    status,
    save() {
      if (status === 'accepted' || status === 'off') return;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, Buffer.concat([Buffer.from(key, 'latin1'), script.createCachedData()]));
        // A rename replaces the file whole: a concurrent start reads the old cache or the new one.
        fs.renameSync(tmp, cacheFile);
      } catch {
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // Nothing more to do.
        }
      }
    },
  };
}
