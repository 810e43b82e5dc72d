import { describe, expect, it } from "vitest";
import { listQuerySchema } from "../../../../shared/task.schemas.js";
import { defaultFilters, filtersFromSearch, listQueryFrom, searchFromFilters } from "./task-filters.js";

describe("filters in the URL", () => {
  it("round-trip through the query string, leaving defaults out", () => {
    const filters = {
      ...defaultFilters,
      status: "pending" as const,
      priority: "high" as const,
      tag: "home",
      q: "milk",
    };
    const search = searchFromFilters(filters);
    expect(search).toBe("status=pending&priority=high&tag=home&q=milk");
    expect(filtersFromSearch(new URLSearchParams(search))).toEqual(filters);
    expect(searchFromFilters(defaultFilters)).toBe("");
  });

  it("fall back to defaults for values the API would refuse", () => {
    const filters = filtersFromSearch(new URLSearchParams("status=maybe&priority=urgent&sort=colour&order=up&tag="));
    expect(filters).toEqual(defaultFilters);
  });

  it("become list parameters the API's own schema accepts", () => {
    const filters = {
      ...defaultFilters,
      priority: "low" as const,
      tag: "Work",
      q: "  report ",
      sort: "dueAt" as const,
      order: "asc" as const,
    };
    const query = listQueryFrom(filters, { cursor: "abc", limit: 30 });
    expect(listQuerySchema.parse(query)).toMatchObject({
      priority: ["low"],
      tag: "work",
      q: "report",
      sort: "dueAt",
      cursor: "abc",
      limit: 30,
    });
  });
});
