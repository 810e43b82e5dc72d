import type { z } from "zod";
import { type ListQuery, listQuerySchema, type Priority, type SortField } from "../../../../shared/task.schemas.js";

export type TaskStatusFilter = ListQuery["status"];
export type ListQueryInput = z.input<typeof listQuerySchema>;

/** What the list shows, as kept in the page's URL (`/?status=pending&tag=home&q=milk`). */
export interface TaskFilters {
  status: TaskStatusFilter;
  priority: Priority | null;
  tag: string | null;
  q: string;
  sort: SortField;
  order: "asc" | "desc";
}

export const defaultFilters: TaskFilters = {
  status: "all",
  priority: null,
  tag: null,
  q: "",
  sort: "createdAt",
  order: "desc",
};

export const sortOptions = [
  { sort: "createdAt", order: "desc", label: "Newest first" },
  { sort: "createdAt", order: "asc", label: "Oldest first" },
  { sort: "dueAt", order: "asc", label: "Due date, soonest" },
  { sort: "priority", order: "desc", label: "Priority, highest" },
  { sort: "title", order: "asc", label: "Title, A to Z" },
  { sort: "updatedAt", order: "desc", label: "Recently changed" },
] as const satisfies readonly { sort: SortField; order: "asc" | "desc"; label: string }[];

const fields = listQuerySchema.shape;

/**
 * Reads the filters from a query string with the API's own parameter schemas; a value the API
 * would refuse (a hand-edited URL) falls back to the default instead of breaking the page.
 */
export function filtersFromSearch(params: URLSearchParams): TaskFilters {
  const read = <T>(schema: z.ZodType<T>, name: string, fallback: T): T => {
    const value = params.get(name);
    if (value === null) return fallback;
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : fallback;
  };
  const priority = read(fields.priority, "priority", undefined);
  return {
    status: read(fields.status, "status", defaultFilters.status),
    priority: priority?.length === 1 ? (priority[0] ?? null) : null,
    tag: read(fields.tag, "tag", undefined) ?? null,
    q: read(fields.q, "q", undefined) ?? "",
    sort: read(fields.sort, "sort", defaultFilters.sort),
    order: read(fields.order, "order", defaultFilters.order),
  };
}

/** The query string for these filters, leaving out defaults so plain URLs stay plain. */
export function searchFromFilters(filters: TaskFilters): string {
  const params = new URLSearchParams();
  if (filters.status !== defaultFilters.status) params.set("status", filters.status);
  if (filters.priority) params.set("priority", filters.priority);
  if (filters.tag) params.set("tag", filters.tag);
  if (filters.q.trim()) params.set("q", filters.q.trim());
  if (filters.sort !== defaultFilters.sort || filters.order !== defaultFilters.order) {
    params.set("sort", filters.sort);
    params.set("order", filters.order);
  }
  return params.toString();
}

/** The list request's parameters, typed by the API's schema so a renamed parameter breaks the build. */
export function listQueryFrom(filters: TaskFilters, page: { cursor: string | null; limit: number }): ListQueryInput {
  return {
    status: filters.status,
    sort: filters.sort,
    order: filters.order,
    limit: String(page.limit),
    ...(filters.priority ? { priority: filters.priority } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

export function hasActiveFilters(filters: TaskFilters): boolean {
  return filters.priority !== null || filters.tag !== null || filters.q.trim() !== "";
}
