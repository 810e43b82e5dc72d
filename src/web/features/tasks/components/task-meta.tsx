import type { Task } from "../../../../shared/task.schemas.js";
import { CalendarIcon } from "../../../components/icons.js";
import { describeDue } from "../lib/due-date.js";
import { PriorityBadge } from "./priority-badge.js";

/** The line under a title: priority, due date (red and marked when overdue), tags. */
export function TaskMeta({ task }: { task: Task }) {
  const due = task.dueAt ? describeDue(task.dueAt) : null;
  const overdue = due?.overdue && !task.completed;
  if (task.priority === "none" && !due && task.tags.length === 0) return null;
  return (
    <div className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
      <PriorityBadge priority={task.priority} />
      {due ? (
        <span
          className={`inline-flex items-center gap-1 ${overdue ? "font-semibold text-red-700 dark:text-red-300" : ""}`}
        >
          <CalendarIcon className="size-3.5 shrink-0" />
          <span className="sr-only">Due </span>
          {overdue ? "Overdue · " : ""}
          <time dateTime={due.dateTime}>{due.label}</time>
        </span>
      ) : null}
      {task.tags.length > 0 ? (
        <ul className="flex flex-wrap gap-1" aria-label="Tags">
          {task.tags.map((tag) => (
            <li
              key={tag}
              className="rounded-md bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300"
            >
              #{tag}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
