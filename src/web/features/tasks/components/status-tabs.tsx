import { paths } from "../../../config/paths.js";
import { Link } from "../../../lib/router.js";
import { searchFromFilters, type TaskFilters, type TaskStatusFilter } from "../lib/task-filters.js";

const statuses: { value: TaskStatusFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "completed", label: "Completed" },
];

/** All / Pending / Completed as links (the status is part of the URL), with counts. */
export function StatusTabs({
  filters,
  counts,
}: {
  filters: TaskFilters;
  counts: { pending?: string; completed?: string };
}) {
  return (
    <nav aria-label="Show tasks">
      <ul className="flex gap-1 rounded-xl bg-slate-200/70 p-1 lg:flex-col dark:bg-slate-800/70">
        {statuses.map(({ value, label }) => {
          const current = filters.status === value;
          const count = value === "all" ? undefined : counts[value];
          return (
            <li key={value} className="flex-auto">
              <Link
                href={paths.tasks.href(searchFromFilters({ ...filters, status: value }))}
                aria-current={current ? "page" : undefined}
                className={`flex min-h-11 items-center justify-center gap-1.5 rounded-lg px-2 text-sm whitespace-nowrap font-medium transition-colors lg:justify-between lg:px-3 ${
                  current
                    ? "bg-white text-slate-900 shadow-sm dark:bg-slate-950 dark:text-white"
                    : "text-slate-700 hover:bg-white/60 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-900/60 dark:hover:text-white"
                }`}
              >
                <span>{label}</span>
                {count !== undefined ? (
                  <span className="rounded-full bg-slate-200 px-1.5 text-xs tabular-nums text-slate-700 dark:bg-slate-700 dark:text-slate-200">
                    {count}
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
