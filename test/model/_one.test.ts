import { it } from 'vitest';
import { shaFor } from './signoff-history.js';
import { pureApp } from './signoff-pure.js';
import { runHistory } from './signoff-run.js';
it('one', async () => {
  const h = JSON.parse(process.env.H!);
  const r = await runHistory(h, pureApp(), shaFor(1), { liveness: true });
  console.log(r);
});
