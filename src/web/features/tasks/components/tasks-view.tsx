import { useEffect, useMemo, useRef } from "react";
import type { Task } from "../../../../shared/task.schemas.js";
import { Button } from "../../../components/button.js";
import { describeError, isRetryable } from "../../../lib/api-error.js";
import { useStore } from "../../../lib/create-store.js";
import { useHotkeys } from "../../../lib/use-hotkeys.js";
import { useTaskCounts } from "../api/count-tasks.js";
import { useDeleteTask } from "../api/delete-task.js";
import { useTasks } from "../api/list-tasks.js";
import { useSetTaskCompleted } from "../api/set-task-completed.js";
import { useTaskFilters } from "../hooks/use-task-filters.js";
import { useUndoShortcut } from "../hooks/use-undo-shortcut.js";
import { countLabel } from "../lib/count-text.js";
import { hiddenCounts, pendingDeletes } from "../lib/pending-deletes.js";
import { editingTaskId } from "../lib/task-drafts.js";
import { hasActiveFilters } from "../lib/task-filters.js";
import { EmptyState } from "./empty-state.js";
import { NewTaskDialog } from "./new-task-dialog.js";
import { NewTaskForm } from "./new-task-form.js";
import { TaskEditDialog } from "./task-edit-dialog.js";
import { TaskFiltersPanel } from "./task-filters-panel.js";
import { TaskList, TaskListSkeleton } from "./task-list.js";
import { TaskSummary } from "./task-summary.js";

/** The task list page's content: add, filter, list, edit. */
export function TasksView() {
  const { filters, setFilters } = useTaskFilters();
  const query = useTasks(filters);
  const counts = useTaskCounts();
  const hidden = useStore(pendingDeletes);
  const setCompleted = useSetTaskCompleted();
  const deleteWithUndo = useDeleteTask();
  const newTaskRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const loaded = useMemo(() => query.data?.pages.flatMap((page) => page.tasks) ?? [], [query.data]);
  const tasks = useMemo(() => loaded.filter((task) => !hidden.has(task.id)), [loaded, hidden]);
  const tags = useMemo(() => [...new Set(loaded.flatMap((task) => task.tags))].sort(), [loaded]);
  const hiddenByStatus = hiddenCounts(hidden);
  const pending = countLabel(counts?.pending, hiddenByStatus.pending);
  const completed = countLabel(counts?.completed, hiddenByStatus.completed);

  useHotkeys({
    n: () => newTaskRef.current?.focus(),
    "/": () => searchRef.current?.focus(),
  });
  useUndoShortcut();
  useEffect(() => () => editingTaskId.set(null), []);

  function remove(task: Task) {
    moveFocusAwayFrom(task.id);
    deleteWithUndo(task);
  }

  const clearFilters = () => setFilters({ priority: null, tag: null, q: "" });
  const emptyKind = hasActiveFilters(filters)
    ? "filtered"
    : filters.status === "completed"
      ? "none-done"
      : filters.status === "pending" && completed !== "0"
        ? "done"
        : "new";

  return (
    <div className="grid gap-4 lg:grid-cols-[17rem_minmax(0,1fr)] lg:grid-rows-[auto_1fr] lg:gap-x-8 lg:gap-y-4">
      <div className="lg:col-start-2 lg:row-start-1">
        <NewTaskForm inputRef={newTaskRef} />
      </div>
      <div className="lg:col-start-1 lg:row-span-2 lg:row-start-1">
        <div className="lg:sticky lg:top-20">
          <TaskFiltersPanel
            filters={filters}
            counts={{ pending, completed }}
            tags={tags}
            onChange={setFilters}
            searchRef={searchRef}
          />
        </div>
      </div>
      <section aria-labelledby="list-heading" className="min-w-0 lg:col-start-2 lg:row-start-2">
        <div className="mb-3 flex items-baseline justify-between gap-3">
          <h2 id="list-heading" className="sr-only">
            Your tasks
          </h2>
          <TaskSummary pending={pending} completed={completed} />
          {query.isFetching && !query.isFetchingNextPage && query.data ? (
            <span className="text-xs text-slate-600 dark:text-slate-400">Updating…</span>
          ) : null}
        </div>
        {query.isPending ? (
          <TaskListSkeleton />
        ) : query.isError && !query.data ? (
          <ListError error={query.error} onRetry={() => query.refetch()} />
        ) : tasks.length === 0 && !query.hasNextPage ? (
          <EmptyState kind={emptyKind} onClearFilters={clearFilters} />
        ) : (
          <TaskList
            tasks={tasks}
            hasMore={query.hasNextPage}
            loadingMore={query.isFetchingNextPage}
            onLoadMore={() => {
              if (!query.isFetchingNextPage) void query.fetchNextPage();
            }}
            onToggle={(task, done) => setCompleted.mutate({ task, completed: done })}
            onEdit={(task) => editingTaskId.set(task.id)}
            onDelete={remove}
          />
        )}
      </section>
      <TaskEditDialog tasks={loaded} onDelete={remove} />
      <NewTaskDialog />
    </div>
  );
}

function ListError({ error, onRetry }: { error: Error; onRetry(): void }) {
  return (
    <div
      role="alert"
      className="rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200"
    >
      <p>{isRetryable(error) ? "Your tasks could not be loaded." : describeError(error)}</p>
      <Button variant="secondary" className="mt-3" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}

/**
 * Keeps keyboard focus in the list when a row goes away: on the next row (or the previous, or the
 * new-task input), whether focus was in the row or in the dialog that deleted it.
 */
function moveFocusAwayFrom(taskId: string): void {
  const rows = [...document.querySelectorAll<HTMLElement>("[data-task-id]")];
  const index = rows.findIndex((row) => row.dataset.taskId === taskId);
  const row = rows[index];
  const next = rows[index + 1] ?? rows[index - 1];
  const target = next?.querySelector<HTMLElement>("button[data-title]") ?? document.getElementById("new-task");
  requestAnimationFrame(() => {
    // By now the row is gone: focus fell to <body>, or is still in the detached row.
    if (document.activeElement === document.body || row?.contains(document.activeElement)) target?.focus();
  });
}
