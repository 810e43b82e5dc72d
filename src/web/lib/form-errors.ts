import type { z } from "zod";
import { ApiError } from "./api-error.js";

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/**
 * Turns a schema's issues into one message per field, phrased like the server's problem details
 * ("Email must be a valid email address"), so client and server speak alike.
 */
export function fieldErrorsFromIssues<F extends string>(error: z.ZodError, labels: Record<F, string>): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "") as F;
    if (field in labels && !errors[field]) errors[field] = `${labels[field]} ${issue.message}`;
  }
  return errors;
}

/**
 * The server's field errors (`errors[].path`), placed beside the fields they name. Anything that
 * names no field on this form is returned as `rest`, to show above the form.
 */
export function fieldErrorsFromProblem<F extends string>(
  error: ApiError,
  labels: Record<F, string>,
): { fields: FieldErrors<F>; rest: string[] } {
  const fields: FieldErrors<F> = {};
  const rest: string[] = [];
  for (const { path, message } of error.fieldErrors) {
    const field = path.split(".")[0] as F;
    if (field in labels && !fields[field]) fields[field] = `${labels[field]} ${message}`;
    else rest.push(`${path} ${message}`);
  }
  return { fields, rest };
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
