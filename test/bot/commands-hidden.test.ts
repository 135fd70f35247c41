// Finding 10 of the attack review (/work/research/attacks.md): commands the parser found where a
// reader of the rendered comment sees none, or sees an example. GitHub renders Markdown per
// CommonMark/GFM; only what it shows as text at a line's start is a command (SPEC §5). An RSO who
// pastes a template or a checklist the PR author wrote must not approve without seeing it.
import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_LINE, MAX_COMMANDS, parseCommands } from '../../bot/commands.js';

describe('commands are only what GitHub shows as text at a line start', () => {
  it('an HTML comment hides its lines from the reader: no command in it counts', () => {
    expect(
      parseCommands('Thanks, looks fine to me so far.\n<!--\n/rso approve\n-->\nI will review the evals tomorrow.'),
    ).toEqual([]);
    expect(parseCommands('Fine <!-- so far\n/rso approve\n-->')).toEqual([]);
    expect(parseCommands('<!--\n\n/rso approve\n\n```\n-->\n/rso status')).toEqual([{ name: 'status' }]);
    expect(parseCommands('<!-- a note --> \n/rso approve')).toEqual([{ name: 'approve' }]);
    // Never closed: hidden to the end.
    expect(parseCommands('<!--\n/rso approve')).toEqual([]);
  });

  it('a fence is closed only by a bare fence line (CommonMark): "```js" inside a block is code', () => {
    // Rendered: one code block holding "```js", "/rso approve" and nothing else runs.
    expect(parseCommands('Example of what not to do:\n```\n```js\n/rso approve\n```')).toEqual([]);
    expect(parseCommands('```js\n/rso approve\n```\n/rso status')).toEqual([{ name: 'status' }]);
    expect(parseCommands('~~~~\n/rso approve\n~~~\n/rso approve\n```\n/rso approve\n~~~~\n/rso status')).toEqual([
      { name: 'status' },
    ]);
    expect(parseCommands('```\n/rso approve\n    ```\n/rso approve\n  ```  \n/rso status')).toEqual([
      { name: 'status' },
    ]);
    // Never closed: code to the end.
    expect(parseCommands('```\n/rso approve')).toEqual([]);
  });

  it('a line with backticks after the opening ones is inline code, not a fence', () => {
    expect(parseCommands('``` `x` ```\n/rso approve')).toEqual([{ name: 'approve' }]);
  });

  it('a fence inside a list item or a quote is code too, and ends with its container', () => {
    expect(parseCommands('- step one:\n  ```\n  /rso approve\n  ```\n/rso status')).toEqual([{ name: 'status' }]);
    expect(parseCommands('- ```\n  - ```\n  /rso approve\n  ```\n/rso status')).toEqual([{ name: 'status' }]);
    expect(parseCommands('> ```\n> /rso approve\n```\n/rso approve\n```\n/rso status')).toEqual([{ name: 'status' }]);
  });

  it('indented code and quotes, lazy quote lines included, are not commands', () => {
    expect(parseCommands('    /rso approve\n\t/rso approve\n  \t/rso approve')).toEqual([]);
    expect(parseCommands('> Please confirm with\n/rso approve\n\n/rso status')).toEqual([{ name: 'status' }]);
  });

  it('lines end at CR LF, LF and CR; after U+2028 or U+2029 nothing is at a line start', () => {
    expect(parseCommands('/rso status\r/rso recheck\r\n/rso revoke')).toEqual([
      { name: 'status' },
      { name: 'recheck' },
      { name: 'revoke' },
    ]);
    expect(parseCommands('Not yet\u2028/rso approve')).toEqual([]);
    expect(parseCommands('/rso reject bad\u2029/rso approve')).toEqual([{ name: 'reject', reason: 'bad' }]);
  });

  it('an over-long line is never a command', () => {
    expect(parseCommands(`/rso reject ${'x'.repeat(MAX_COMMAND_LINE)}`)).toEqual([]);
    expect(parseCommands(`/rso reject ${'x'.repeat(400)}`)).toEqual([{ name: 'reject', reason: 'x'.repeat(400) }]);
  });

  it('the command word must end at whitespace: /rsoapprove and /rso\u200bapprove are not commands', () => {
    expect(parseCommands('/rsoapprove\n/rso\u200bapprove\n/signoffs approve')).toEqual([]);
  });

  it('a hostile 65,536-character body parses, once, into what it says', () => {
    const hostile = `/rso${' '.repeat(65_530)}a\u2028c`.slice(0, 65_536);
    expect(parseCommands(hostile)).toEqual([]);
    // Lines under the cap, each one a command: only the first MAX_COMMANDS are read.
    const lines = `/rso${' '.repeat(900)}approve\n`.repeat(72);
    expect(parseCommands(lines)).toHaveLength(MAX_COMMANDS);
    // The same body again comes from the memo, as a fresh array.
    const again = parseCommands(lines);
    again.pop();
    expect(parseCommands(lines)).toHaveLength(MAX_COMMANDS);
  });
});
