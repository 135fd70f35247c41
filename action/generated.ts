import { isIsoDate } from '../src/dates.js';
import { renderFastValidators } from '../src/schemas/fast-codegen.js';
import { settingsSchema } from './settings-schema.js';

/** The Action's generated files, keyed by path (see src/generated.ts for the engine's). */
export function renderActionGenerated(): Record<string, string> {
  return {
    'action/settings.generated.ts': renderFastValidators(
      { settings: settingsSchema },
      { source: 'action/settings-schema.ts', refinements: [{ fn: isIsoDate, name: 'isIsoDate', from: '../src/dates.js' }] },
    ),
  };
}
