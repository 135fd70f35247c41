import type { Pack } from '../../src/load/schemas/index.js';
import { FILE_KINDS, type FileKind } from '../../src/load/schemas/validate.js';
import { didYouMean } from '../../src/suggest.js';
import { EXIT, stringOption, UsageError, type Command } from '../command.js';
import { findRoot, packOf } from '../repository.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of a file kind, for editors.',
  synopsis: `schema [${FILE_KINDS.join('|')}] [--pack ID|PATH]`,
  details: `With no KIND, prints one object holding the schema of every kind. The general schemas hold for
any pack; with --pack, the declaration, assessment and config schemas are narrowed to that pack:
its levels, standards, threshold and safeguard ids become enums. The asl-gate repository commits
both under schema/ (schema/<pack id>/ for each built-in pack).`,
  options: {
    pack: {
      type: 'string',
      value: 'ID|PATH',
      help: 'narrow the schemas to this pack (a built-in id, or a pack file in the repository)',
    },
  },
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError('schema takes one file kind');
    const kind = args.positionals[0];
    if (kind !== undefined && !(FILE_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(
        `unknown file kind ${JSON.stringify(kind)}; expected one of ${FILE_KINDS.join(', ')}${didYouMean(kind, FILE_KINDS)}`,
      );
    }
    const packOption = stringOption(args, 'pack');
    let pack: Pack | undefined;
    if (packOption !== undefined) {
      const loaded = await packOf(findRoot(io.cwd, io.cwd), packOption, undefined, io);
      if (!loaded.ok) return loaded.code;
      pack = loaded.index.pack;
    }
    // Loaded on demand: JSON Schema generation is not needed by `check`.
    const { jsonSchemaOf } = await import('../../src/load/schemas/generated.js');
    const one = (k: FileKind) => jsonSchemaOf(k, k === 'pack' ? undefined : pack);
    if (kind) io.stdout.write(one(kind as FileKind));
    else
      io.stdout.write(
        `${JSON.stringify(Object.fromEntries(FILE_KINDS.map((k) => [k, JSON.parse(one(k))])), null, 2)}\n`,
      );
    return EXIT.pass;
  },
};
