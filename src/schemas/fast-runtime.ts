// What the generated validators (fast.generated.ts, from fast-codegen.ts) share at run time.

/** A generated validator's answer when it does not accept a value: zod then decides. */
export const UNSURE: unique symbol = Symbol('unsure');

/** An object as the YAML readers make them: no array, no class, no exotic prototype. */
export function plain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Whether a string's length in code points (zod's measure: a surrogate pair is one) is within [min, max]. */
export function text(s: string, min: number, max: number): boolean {
  const units = s.length;
  if (units < min || units > max * 2) return false;
  let count = units;
  for (let i = 0; i < units - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count >= min && count <= max;
}
