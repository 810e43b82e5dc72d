import { useMemo } from "react";
import { paths } from "../../../config/paths.js";
import { navigate, useLocation } from "../../../lib/router.js";
import { filtersFromSearch, searchFromFilters, type TaskFilters } from "../lib/task-filters.js";

/**
 * The list's filters, read from and written to the URL, so that a filtered view can be
 * bookmarked, shared and reached with Back. Typing in search replaces the history entry.
 */
export function useTaskFilters() {
  const { search } = useLocation();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(search)), [search]);
  function setFilters(change: Partial<TaskFilters>, options: { replace?: boolean } = {}) {
    navigate(paths.tasks.href(searchFromFilters({ ...filters, ...change })), options);
  }
  return { filters, setFilters };
}
