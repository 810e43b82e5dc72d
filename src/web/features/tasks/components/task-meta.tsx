import type { Task } from "../../../../shared/task.schemas.js";
import { BellIcon, CalendarIcon, RepeatIcon } from "../../../components/icons.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { describeDue } from "../lib/due-date.js";
import { describeRecurrence } from "../lib/recurrence-words.js";
import { describeReminder } from "../lib/reminder-choice.js";
import { PriorityBadge } from "./priority-badge.js";

/** The line under a title: priority, due date (red and marked when overdue), repeat, reminders, tags. */
export function TaskMeta({ task }: { task: Task }) {
  // An UNTIL instant reads in the zone the server evaluates the rule in.
  const { timeZone } = useCurrentUser();
  const due = task.dueAt ? describeDue(task.dueAt) : null;
  const overdue = due?.overdue && !task.completed;
  const quiet =
    task.priority === "none" && !due && task.tags.length === 0 && !task.recurrence && task.reminders.length === 0;
  if (quiet) return null;
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
      {task.recurrence ? (
        <span className="inline-flex items-center gap-1">
          <RepeatIcon className="size-3.5 shrink-0" role="img" aria-hidden={undefined} aria-label="Repeats:" />
          {describeRecurrence(task.recurrence, timeZone)}
        </span>
      ) : null}
      {task.reminders.length > 0 ? (
        <span className="inline-flex items-center gap-1">
          <BellIcon className="size-3.5 shrink-0" role="img" aria-hidden={undefined} aria-label="Reminders:" />
          {remindersText(task.reminders.map((r) => r.before))}
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

/** ["PT15M", "P1D"] → "15 min, 1 day before", for the row's one line. */
function remindersText(befores: string[]): string {
  const short = befores.map((before) =>
    describeReminder(before)
      .replace(/ before$/, "")
      .replace(/ minutes?\b/g, " min")
      .replace(/ seconds?\b/g, " s"),
  );
  const atDue = "At the due time";
  const ahead = short.filter((s) => s !== atDue);
  return [short.includes(atDue) ? "at the due time" : "", ahead.length > 0 ? `${ahead.join(", ")} before` : ""]
    .filter(Boolean)
    .join(", ");
}
