import type { RepoSnapshot } from '../snapshot/port.js';

/** Characters with a meaning in a regex, escaped where a glob holds them. */
const SPECIAL = '.+^${}()|[]\\';

/**
 * The small glob dialect of `releases:` in the config: `*` and `?` within one path segment, `**`
 * for any number of segments. Matching never follows symlinks.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  const segs = glob.split('/');
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '**') {
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    // Character by character rather than with regex replaces: each would be compiled by a cold process.
    for (const c of seg) re += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : SPECIAL.includes(c) ? `\\${c}` : c;
    if (!last) re += '/';
  });
  return new RegExp(`^${re}$`);
}

/** Paths in the snapshot matching `glob`, of the given type, sorted. */
export async function expandGlob(snapshot: RepoSnapshot, glob: string, type: 'file' | 'dir'): Promise<string[]> {
  const segs = glob.split('/').filter((s) => s !== '' && s !== '.');
  const out = new Set<string>();
  const walk = async (base: string, i: number): Promise<void> => {
    if (i === segs.length) return;
    const seg = segs[i];
    const last = i === segs.length - 1;
    const entries = await snapshot.list(base);
    if (seg === '**') {
      // Last, `**` is any depth, none included: the base and everything below it.
      if (last) return collect(base, entries);
      await walk(base, i + 1);
      for (const e of entries) if (e.type === 'dir') await walk(join(base, e.name), i);
      return;
    }
    const re = globToRegExp(seg);
    for (const e of entries) {
      if (!re.test(e.name)) continue;
      const path = join(base, e.name);
      if (last) {
        if (e.type === type) out.add(path);
      } else if (e.type === 'dir') await walk(path, i + 1);
    }
  };
  const collect = async (base: string, entries: Array<{ name: string; type: string }>): Promise<void> => {
    if (type === 'dir') out.add(base || '.');
    for (const e of entries) {
      const path = join(base, e.name);
      if (e.type === 'dir') await collect(path, await snapshot.list(path));
      else if (e.type === type) out.add(path);
    }
  };
  await walk('', 0);
  return [...out].sort();
}

const join = (base: string, name: string) => (base ? `${base}/${name}` : name);
