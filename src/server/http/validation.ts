import type { Context } from "hono";
import type { z } from "zod";
import type { FieldError } from "../../shared/problem.js";
import { hasBody } from "./body-limit.js";
import { ApiError, validationError } from "./problem.js";

/** Turns zod issues into the contract's `errors[]`: one entry per field, unknown fields named. */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        errors.push({ path: base ? `${base}.${key}` : key, message: "is not a known field" });
      }
      continue;
    }
    if (issue.code === "invalid_type" && issue.path.length === 0) {
      errors.push({ path: "", message: "the body must be a JSON object" });
      continue;
    }
    if (issue.code === "invalid_type" && issue.input === undefined) {
      errors.push({ path: base, message: "is required" });
      continue;
    }
    errors.push({ path: base, message: issue.message });
  }
  // One message per field is enough: a refine after a type error would only repeat it.
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.path) && seen.add(e.path));
}

/** Parses a value with a schema, throwing validation_failed with every bad field named. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(toFieldErrors(result.error.issues));
  return result.data;
}

// JSON is UTF-8 (RFC 8259): invalid bytes are a malformed body, not text to repair silently.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads and validates a JSON body. 415 for a body that is not JSON, 400 invalid_json for bytes
 * that do not parse, 400 validation_failed for a value the schema refuses. With `optional`, a
 * request without a body validates `{}` instead.
 */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
  options: { optional?: boolean } = {},
): Promise<z.infer<S>> {
  const contentType = c.req.header("content-type");
  const isJson = JSON_TYPE.test(contentType ?? "");
  const mayBeAbsent = options.optional && (contentType === undefined || c.req.header("content-length") === "0");
  // Refused before reading: the bytes of a body we cannot take are never buffered.
  if (!isJson && !mayBeAbsent) throw unsupportedMediaType();
  const text = await readUtf8(c);
  if (text.trim() === "") {
    if (options.optional) return parseWith(schema, {});
    throw new ApiError(400, "invalid_json", "The request body is empty; a JSON object was expected.");
  }
  if (!isJson) throw unsupportedMediaType();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
  return parseWith(schema, value);
}

/** The body as text; bytes that are not UTF-8, or a body cut off mid-way, are invalid_json. */
async function readUtf8(c: Context): Promise<string> {
  try {
    // c.req.arrayBuffer() reads straight from the socket; c.req.raw.body would build a full Request.
    return strictUtf8.decode(hasBody(c) ? await c.req.arrayBuffer() : new ArrayBuffer(0));
  } catch {
    throw new ApiError(400, "invalid_json", "The request body could not be read as UTF-8 text.");
  }
}

function unsupportedMediaType(): ApiError {
  return new ApiError(415, "unsupported_media_type", "Send a JSON body with Content-Type: application/json.");
}
