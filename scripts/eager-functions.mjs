// The shape V8 compiles eagerly, given to a finished chunk's functions (see eagerlyCompiledEntry in
// rolldown.config.mjs for why). Its own module so that test/eager-functions.test.ts can check it.
import { parseAst } from 'rolldown/parseAst';

/** `code` with every function in the shape V8 compiles with its surroundings; same behaviour. */
export function eagerFunctions(code) {
  const program = parseAst(code);
  /** Insertions: [offset, text]. */
  const inserts = [];
  const hoisted = [];
  const visit = (node, parent) => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, parent);
      return;
    }
    if (node === null || typeof node !== 'object' || typeof node.type !== 'string') return;
    const isMethod = parent && (parent.type === 'MethodDefinition' || (parent.type === 'Property' && (parent.method || parent.kind !== 'init')));
    if ((node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') && !isMethod) {
      inserts.push([node.start, '('], [node.end, ')']);
    }
    for (const key of Object.keys(node)) {
      if (key !== 'type' && key !== 'start' && key !== 'end') visit(node[key], node);
    }
  };
  for (const node of program.body) {
    // A declaration is set when the module is linked, an assignment only when it runs: a module
    // that imported this one back could call a hoisted function too early. No imports, no cycle.
    if (node.type === 'ImportDeclaration' || (node.type.startsWith('Export') && node.source)) {
      throw new Error(`eager functions: the chunk imports ${node.source.value}; only a chunk without imports can be rewritten`);
    }
    if (node.type === 'FunctionDeclaration') hoisted.push(node);
    visit(node, program);
  }
  // Rebuild: the hoisted declarations' text (with their own insertions) goes into the `var`.
  const render = (start, end) => {
    let out = '';
    let at = start;
    for (const [offset, text] of inserts) {
      // `(` goes before the character at `offset`, `)` after the one before it.
      if (text === '(' ? offset < start || offset >= end : offset <= start || offset > end) continue;
      out += code.slice(at, offset) + text;
      at = offset;
    }
    return out + code.slice(at, end);
  };
  inserts.sort((a, b) => a[0] - b[0] || (a[1] === b[1] ? 0 : a[1] === ')' ? -1 : 1));
  const parts = [];
  if (hoisted.length > 0) parts.push(`var ${hoisted.map((f) => `${f.id.name}=(${render(f.start, f.end)})`).join(',')};`);
  let at = 0;
  for (const f of hoisted) {
    parts.push(render(at, f.start));
    at = f.end;
  }
  parts.push(render(at, code.length));
  const out = parts.join('');
  parseAst(out); // a transform that broke the syntax fails the build, not a run
  return out;
}
