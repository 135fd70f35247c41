// The due issue (issue 19): one issue that says what falls due, kept up to date by the scheduled run.
import type { DueReport } from '../src/engine/due.js';
import type { GitHubApi } from '../github/snapshot.js';

/** Marks the due issue's body (first line), with the label below: how a run finds the issue it keeps. */
export const DUE_MARKER = '<!-- asl-gate:due -->';
export const DUE_LABEL = 'asl-gate-due';
/** GitHub refuses an issue body over 65,536 characters; the job summary has the rest. */
const MAX_BODY = 60_000;

export interface DueIssueTarget {
  owner: string;
  repo: string;
  /**
   * The only author trusted: the token's own identity (`github-actions[bot]` for GITHUB_TOKEN).
   * Anyone who may label issues can make a look-alike with the marker and the label; only an issue
   * this identity opened is ever edited, closed or reopened.
   */
  author: string;
}

export type DueIssueAction = 'created' | 'edited' | 'closed' | 'reopened' | 'unchanged' | 'none';

interface IssueItem {
  number: number;
  state: string;
  title: string;
  body?: string | null;
  user?: { login?: string } | null;
  pull_request?: unknown;
}

/**
 * Keep the one due issue in step with `report`: open while anything is overdue or due soon, closed
 * when nothing is. Created the first time something is due (never just to say nothing is), edited
 * after, reopened when something falls due again. Costs one listing request, plus one write when
 * the issue must change.
 */
export async function syncDueIssue(
  api: GitHubApi,
  target: DueIssueTarget,
  report: DueReport,
  markdown: string,
): Promise<{ action: DueIssueAction; number?: number }> {
  const { owner, repo, author } = target;
  const overdue = report.items.filter((i) => i.state === 'overdue').length;
  const soon = report.items.filter((i) => i.state === 'due_soon').length;
  const active = overdue + soon > 0;
  const title = active
    ? `ASL due dates: ${overdue} overdue, ${soon} due soon`
    : 'ASL due dates: nothing overdue or due soon';
  const body = `${DUE_MARKER}\n${truncate(markdown)}`;

  // Filtered by the label only (only collaborators can label issues), then by author here: the
  // author is what makes an issue ours, and a login check needs no guess at how the API spells a bot.
  const listed = (await api.paginate('GET /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    labels: DUE_LABEL,
    state: 'all',
    per_page: 100,
  })) as IssueItem[];
  const ours = listed
    .filter(
      (i) =>
        i.pull_request === undefined &&
        i.user?.login === author &&
        typeof i.body === 'string' &&
        i.body.startsWith(DUE_MARKER),
    )
    .sort((a, b) => a.number - b.number)[0];

  if (!ours) {
    if (!active) return { action: 'none' };
    const { data } = await api.request('POST /repos/{owner}/{repo}/issues', {
      owner,
      repo,
      title,
      body,
      labels: [DUE_LABEL],
    });
    return { action: 'created', number: (data as { number: number }).number };
  }
  const state = active ? 'open' : 'closed';
  if (ours.state === state && ours.title === title && ours.body === body)
    return { action: 'unchanged', number: ours.number };
  await api.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
    owner,
    repo,
    issue_number: ours.number,
    title,
    body,
    state,
    ...(state === 'closed' ? { state_reason: 'completed' } : {}),
  });
  const action: DueIssueAction = ours.state === state ? 'edited' : active ? 'reopened' : 'closed';
  return { action, number: ours.number };
}

function truncate(markdown: string): string {
  if (markdown.length <= MAX_BODY) return markdown;
  const cut = markdown.lastIndexOf('\n', MAX_BODY);
  return `${markdown.slice(0, cut)}\n\n… cut short: the workflow run's job summary lists every item.\n`;
}
