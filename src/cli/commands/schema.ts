import { FILE_KINDS, type FileKind } from '../../schemas/validate.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { didYouMean } from '../../suggest.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of a file kind, for editors.',
  synopsis: `schema [${FILE_KINDS.join('|')}]`,
  details: `With no KIND, prints one object holding the schema of every kind. The same schemas are
committed under schema/ in the asl-gate repository.`,
  options: {},
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError('schema takes one file kind');
    const kind = args.positionals[0];
    if (kind !== undefined && !(FILE_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`unknown file kind ${JSON.stringify(kind)}; expected one of ${FILE_KINDS.join(', ')}${didYouMean(kind, FILE_KINDS)}`);
    }
    // Loaded on demand: JSON Schema generation is not needed by `check`.
    const { jsonSchemaOf } = await import('../../generated.js');
    if (kind) io.stdout.write(jsonSchemaOf(kind as FileKind));
    else io.stdout.write(`${JSON.stringify(Object.fromEntries(FILE_KINDS.map((k) => [k, JSON.parse(jsonSchemaOf(k))])), null, 2)}\n`);
    return EXIT.pass;
  },
};
