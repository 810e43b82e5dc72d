import { parseDateTime } from "../../shared/date-time.js";
import type { SortField } from "../../shared/task.schemas.js";
import { isStorableText } from "../../shared/text.js";
import { ApiError } from "../http/problem.js";

/** Where the previous page ended: the last task's sort value and id, for keyset pagination. */
export interface Cursor {
  sort: SortField;
  order: "asc" | "desc";
  /** The sort key of the last task: an ISO time, a priority rank, a lower-cased title, or null. */
  value: string | number | null;
  id: string;
}

/** Opaque to clients: base64url of a small JSON array. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.id])).toString("base64url");
}

/** Reads a cursor made for the same sort and order, or throws 400 validation_failed. */
export function decodeCursor(raw: string, sort: SortField, order: "asc" | "desc"): Cursor {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts) || parts.length !== 4) throw invalidCursor();
  const [s, o, value, id] = parts as unknown[];
  if (s !== sort || o !== order || typeof id !== "string" || id.length > 64 || !isStorableText(id)) {
    throw invalidCursor();
  }
  const valueOk =
    value === null
      ? sort === "dueAt"
      : sort === "priority"
        ? Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 3
        : sort === "title"
          ? typeof value === "string" && value.length <= 1000 && isStorableText(value)
          : // Exactly the form the server writes: anything else could be a time the database refuses.
            typeof value === "string" && parseDateTime(value)?.toISOString() === value;
  if (!valueOk) throw invalidCursor();
  return { sort, order, value: value as Cursor["value"], id };
}

function invalidCursor(): ApiError {
  return new ApiError(400, "validation_failed", "cursor is not a cursor for this sort and order", {
    errors: [{ path: "cursor", message: "is not a cursor for this sort and order; start again without it" }],
  });
}
