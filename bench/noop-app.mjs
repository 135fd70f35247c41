// Baseline for bench/bot.mjs: a Probot app that does nothing, on the same Probot and machine.
import { run } from 'probot';

await run((app) => {
  app.on('issue_comment.created', async () => {});
});
