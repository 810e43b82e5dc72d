import type { Priority } from "../../../../shared/task.schemas.js";

const styles: Record<Exclude<Priority, "none">, string> = {
  high: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-900",
  medium: "bg-amber-50 text-amber-900 ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-900",
  low: "bg-sky-50 text-sky-900 ring-sky-200 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-900",
};

export const priorityLabels: Record<Priority, string> = { none: "None", low: "Low", medium: "Medium", high: "High" };

/** "High", "Medium" or "Low" as a small coloured label; nothing for no priority. */
export function PriorityBadge({ priority }: { priority: Priority }) {
  if (priority === "none") return null;
  return (
    <span
      className={`inline-flex items-center rounded-md px-1.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${styles[priority]}`}
    >
      <span className="sr-only">Priority: </span>
      {priorityLabels[priority]}
    </span>
  );
}
