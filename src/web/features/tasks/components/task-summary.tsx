import { completedSentence, pendingSentence } from "../lib/count-text.js";

/** "3 tasks left to do · 2 completed", kept up to date for screen readers too. */
export function TaskSummary({ pending, completed }: { pending?: string; completed?: string }) {
  if (pending === undefined || completed === undefined) return <p className="h-5" aria-hidden="true" />;
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400" aria-live="polite">
      {pendingSentence(pending)} · {completedSentence(completed)}
    </p>
  );
}
