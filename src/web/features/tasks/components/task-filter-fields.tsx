import { type Priority, priorities } from "../../../../shared/task.schemas.js";
import { SelectField } from "../../../components/select-field.js";
import { sortOptions, type TaskFilters } from "../lib/task-filters.js";
import { priorityLabels } from "./priority-badge.js";

/** Priority, tag and sort: native selects, each a link-like change of the URL. */
export function TaskFilterFields({
  filters,
  tags,
  onChange,
}: {
  filters: TaskFilters;
  /** Tags to offer: those of the tasks loaded so far. */
  tags: string[];
  onChange(change: Partial<TaskFilters>): void;
}) {
  const tagOptions = filters.tag && !tags.includes(filters.tag) ? [filters.tag, ...tags] : tags;
  const sortValue = `${filters.sort}:${filters.order}`;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-1">
      <SelectField
        id="filter-priority"
        label="Priority"
        value={filters.priority ?? ""}
        onChange={(e) => onChange({ priority: (e.target.value || null) as Priority | null })}
      >
        <option value="">Any priority</option>
        {[...priorities].reverse().map((p) => (
          <option key={p} value={p}>
            {priorityLabels[p]}
          </option>
        ))}
      </SelectField>
      <SelectField
        id="filter-tag"
        label="Tag"
        value={filters.tag ?? ""}
        onChange={(e) => onChange({ tag: e.target.value || null })}
      >
        <option value="">Any tag</option>
        {tagOptions.map((tag) => (
          <option key={tag} value={tag}>
            #{tag}
          </option>
        ))}
      </SelectField>
      <div className="col-span-2 lg:col-span-1">
        <SelectField
          id="sort"
          label="Sort by"
          value={sortOptions.some((o) => `${o.sort}:${o.order}` === sortValue) ? sortValue : "createdAt:desc"}
          onChange={(e) => {
            const option = sortOptions.find((o) => `${o.sort}:${o.order}` === e.target.value);
            if (option) onChange({ sort: option.sort, order: option.order });
          }}
        >
          {sortOptions.map((o) => (
            <option key={`${o.sort}:${o.order}`} value={`${o.sort}:${o.order}`}>
              {o.label}
            </option>
          ))}
        </SelectField>
      </div>
    </div>
  );
}
