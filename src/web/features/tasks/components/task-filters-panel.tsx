import { type Ref, useState } from "react";
import { Button } from "../../../components/button.js";
import { FilterIcon } from "../../../components/icons.js";
import { hasActiveFilters, type TaskFilters } from "../lib/task-filters.js";
import { StatusTabs } from "./status-tabs.js";
import { TaskFilterFields } from "./task-filter-fields.js";
import { TaskSearch } from "./task-search.js";

/**
 * Status, search and the other filters. On phones the selects fold away behind a "Filters"
 * button (which says how many are on); from desktop width up everything is shown in a sidebar.
 */
export function TaskFiltersPanel({
  filters,
  counts,
  tags,
  onChange,
  searchRef,
}: {
  filters: TaskFilters;
  counts: { pending?: string; completed?: string };
  tags: string[];
  onChange(change: Partial<TaskFilters>, options?: { replace?: boolean }): void;
  searchRef?: Ref<HTMLInputElement>;
}) {
  const active = Number(filters.priority !== null) + Number(filters.tag !== null);
  const [open, setOpen] = useState(active > 0);
  return (
    <section aria-label="Filters" className="space-y-3">
      <StatusTabs filters={filters} counts={counts} />
      <div className="flex gap-2">
        <div className="min-w-0 flex-1">
          <TaskSearch value={filters.q} onSearch={(q) => onChange({ q }, { replace: true })} inputRef={searchRef} />
        </div>
        <button
          type="button"
          aria-expanded={open}
          aria-controls="filter-fields"
          onClick={() => setOpen((o) => !o)}
          className="inline-flex min-h-11 shrink-0 items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 lg:hidden dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800"
        >
          <FilterIcon />
          Filters
          {active > 0 ? (
            <span className="rounded-full bg-indigo-600 px-1.5 text-xs text-white dark:bg-indigo-400 dark:text-slate-950">
              {active}
            </span>
          ) : null}
        </button>
      </div>
      <div id="filter-fields" className={open ? "block" : "hidden lg:block"}>
        <TaskFilterFields filters={filters} tags={tags} onChange={onChange} />
      </div>
      {hasActiveFilters(filters) ? (
        <Button variant="ghost" className="w-full" onClick={() => onChange({ priority: null, tag: null, q: "" })}>
          Clear filters
        </Button>
      ) : null}
    </section>
  );
}
