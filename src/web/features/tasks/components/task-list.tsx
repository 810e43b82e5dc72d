import { useEffect, useRef } from "react";
import type { Task } from "../../../../shared/task.schemas.js";
import { Button } from "../../../components/button.js";
import { Spinner } from "../../../components/spinner.js";
import { TaskRow } from "./task-row.js";

/**
 * The rows, and the next page: loaded by "Load more", or by itself when the end of the list
 * scrolls into view.
 */
export function TaskList({
  tasks,
  hasMore,
  loadingMore,
  onLoadMore,
  onToggle,
  onEdit,
  onDelete,
}: {
  tasks: Task[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
  onToggle(task: Task, completed: boolean): void;
  onEdit(task: Task): void;
  onDelete(task: Task): void;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const loadMore = useRef(onLoadMore);
  loadMore.current = onLoadMore;

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasMore || typeof IntersectionObserver !== "function") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) loadMore.current();
      },
      { rootMargin: "400px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasMore]);

  return (
    <div>
      <ul className="space-y-2" aria-label="Tasks">
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} onToggle={onToggle} onEdit={onEdit} onDelete={onDelete} />
        ))}
      </ul>
      {hasMore ? (
        <div ref={sentinel} className="mt-4 flex justify-center">
          <Button variant="secondary" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? <Spinner label="Loading more tasks…" /> : "Load more"}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

/** Grey rows while the first page loads, so the layout does not jump. */
export function TaskListSkeleton() {
  return (
    <div aria-hidden="true" className="space-y-2">
      {[0, 1, 2].map((i) => (
        <div
          key={i}
          className="flex h-16 items-center gap-3 rounded-xl border border-slate-200 bg-white px-3 dark:border-slate-800 dark:bg-slate-900"
        >
          <div className="size-5 rounded bg-slate-200 dark:bg-slate-800" />
          <div className="h-3 flex-1 rounded bg-slate-200 motion-safe:animate-pulse dark:bg-slate-800" />
        </div>
      ))}
    </div>
  );
}
