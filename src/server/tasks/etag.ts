import { ApiError } from "../http/problem.js";
import type { Precondition, StoredTask } from "./tasks.repository.js";

/** A strong ETag: the task's version, which every write bumps. */
export function etagOf(stored: StoredTask): string {
  return `"${stored.version}"`;
}

/**
 * Reads `If-Match` (RFC 9110 §13.1.1): `*`, or a list of entity tags compared strongly, so weak
 * tags never match. Absent means "last write wins".
 */
export function preconditionOf(header: string | undefined): Precondition | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === "*") return { any: true };
  const versions: number[] = [];
  for (const tag of value.split(",")) {
    const match = /^"(\d{1,9})"$/.exec(tag.trim());
    if (match) versions.push(Number(match[1]));
  }
  return { versions };
}

/** Whether `If-None-Match` names the current representation (GET answers 304 then). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

export function staleTask(): ApiError {
  return new ApiError(412, "precondition_failed", "The task has changed since that ETag; fetch it again and retry.");
}

export function taskNotFound(): ApiError {
  return new ApiError(404, "not_found", "No task with this id.");
}
