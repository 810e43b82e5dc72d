import { Button } from "../../../components/button.js";
import { CheckIcon } from "../../../components/icons.js";

/** What an empty list says: how to start, or that the filters hide everything. */
export function EmptyState({
  kind,
  onClearFilters,
}: {
  kind: "new" | "filtered" | "done" | "none-done";
  onClearFilters(): void;
}) {
  const text = {
    new: {
      title: "No tasks yet",
      body: "Type your first task in the box above and press Enter. You can add a due date, a priority and tags after.",
    },
    filtered: { title: "No matching tasks", body: "Nothing matches this search or these filters." },
    done: { title: "All done", body: "Every task is completed. Enjoy it, or add the next one." },
    "none-done": { title: "Nothing completed yet", body: "Tick a task's box when it is done and it shows up here." },
  }[kind];
  return (
    <div className="rounded-2xl border border-dashed border-slate-300 px-6 py-10 text-center dark:border-slate-700">
      <div className="mx-auto mb-3 flex size-12 items-center justify-center rounded-full bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">
        <CheckIcon className="size-6" />
      </div>
      <h2 className="text-base font-semibold">{text.title}</h2>
      <p className="mx-auto mt-1 max-w-xs text-sm text-slate-600 dark:text-slate-400">{text.body}</p>
      {kind === "filtered" ? (
        <Button variant="secondary" className="mt-4" onClick={onClearFilters}>
          Clear filters
        </Button>
      ) : null}
      {kind === "new" ? (
        <p className="mt-4 hidden text-xs text-slate-600 sm:block dark:text-slate-400">
          Tip: press <kbd className="rounded border border-slate-300 px-1 font-mono dark:border-slate-600">n</kbd> to
          add a task and <kbd className="rounded border border-slate-300 px-1 font-mono dark:border-slate-600">/</kbd>{" "}
          to search.
        </p>
      ) : null}
    </div>
  );
}
