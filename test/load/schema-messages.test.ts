// Schema and evidence messages a newcomer meets first: plain words, one finding per root cause,
// placed at the key to change, naming the file to fill in.
import { describe, expect, it } from 'vitest';
import { exampleRepo } from '../helpers/repo.js';
import { checkJson, type JsonFinding } from '../helpers/cli.js';

const AI_RD = 'releases/nova-2/assessments/ai-rd.yml';
const CBRN = 'releases/nova-2/assessments/cbrn.yml';

/** nova-2 (which passes) with some of its files replaced. */
async function findings(edits: Record<string, (text: string) => string>): Promise<JsonFinding[]> {
  const files = exampleRepo('nova-2');
  for (const [path, edit] of Object.entries(edits)) files[path] = edit(files[path]);
  const { report } = await checkJson(files);
  return report.findings; // every release's findings, in one list
}
const schema = (list: JsonFinding[]) => list.filter((f) => f.code === 'schema.invalid');

describe('schema messages', () => {
  it('a date that is not YYYY-MM-DD is one finding, echoing the value', async () => {
    const list = schema(
      await findings({ [AI_RD]: (t) => t.replace('completed: 2026-11-16', 'completed: 16-11-2026') }),
    );
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      file: AI_RD,
      message: 'completed: "16-11-2026" is not a YYYY-MM-DD date (e.g. 2026-11-30)',
    });
  });

  it('a day that does not exist is still said to be one', async () => {
    const list = schema(
      await findings({ [AI_RD]: (t) => t.replace('completed: 2026-11-16', 'completed: 2026-02-30') }),
    );
    expect(list.map((f) => f.message)).toEqual(['completed: expected a real calendar date']);
  });

  it('a misspelt required key is only the unknown key, with the suggestion', async () => {
    const list = schema(
      await findings({ 'releases/nova-2/asl.yml': (t) => t.replace('release_date:', 'releasedate:') }),
    );
    expect(list.map((f) => f.message)).toEqual([
      'unknown key "releasedate" in declaration; did you mean "release_date"?',
    ]);
  });

  it('a required key that is simply missing is still reported', async () => {
    const list = schema(
      await findings({ 'releases/nova-2/asl.yml': (t) => t.replace('release_date: 2026-12-01\n', '') }),
    );
    expect(list.map((f) => f.message)).toEqual(['declaration is missing required key "release_date"']);
  });

  it('a result that is not a mapping says what it should be, with an example', async () => {
    const list = schema(await findings({ [CBRN]: (t) => t.replace(/result:\n(?: {2}.*\n)+/, 'result: ruled_out\n') }));
    expect(list[0]).toMatchObject({
      file: CBRN,
      message: 'result: expected a mapping of threshold to outcome, found a string, e.g. `result: {CBRN-4: ruled_out}`',
    });
    expect(list.map((f) => f.message).join('\n')).not.toContain('record');
  });

  it('a completed assessment with an empty result is placed at the result key', async () => {
    const list = await findings({ [AI_RD]: (t) => t.replace(/result:\n(?: {2}.*\n)+/, 'result:\n') });
    const missing = list.filter((f) => f.message.startsWith('result: a completed assessment needs a result'));
    expect(missing.length).toBeGreaterThan(0);
    for (const f of missing) expect(f).toMatchObject({ file: AI_RD, line: 7, column: 1 });
  });
});

describe('threshold.unassessed', () => {
  it('names the cited assessment that is not completed, and what to set there', async () => {
    const list = await findings({
      [AI_RD]: (t) =>
        t.replace('completed: 2026-11-16', 'completed: null').replace(/result:\n(?: {2}.*\n)+/, 'result: null\n'),
    });
    const f = list.find((x) => x.code === 'threshold.unassessed' && x.message.includes('AI-RD-4'));
    expect(f?.message).toContain(
      `it cites ai-rd-2026-11 (${AI_RD}), which is not completed: set \`completed\` and \`result\` there (see \`asl-gate explain AI-RD-4\`)`,
    );
  });
});
