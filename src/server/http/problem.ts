import type { FieldError, Problem, ProblemCode } from "../../shared/problem.js";

const titles: Record<ProblemCode, string> = {
  invalid_json: "Invalid JSON",
  validation_failed: "Unprocessable",
  unsupported_media_type: "Unsupported Media Type",
  payload_too_large: "Payload Too Large",
  unauthorized: "Unauthorized",
  invalid_credentials: "Invalid Credentials",
  forbidden: "Forbidden",
  not_found: "Not Found",
  email_taken: "Email Taken",
  weak_password: "Weak Password",
  precondition_failed: "Precondition Failed",
  rate_limited: "Too Many Requests",
  internal: "Internal Server Error",
  server_busy: "Service Unavailable",
  token_invalid: "Invalid Token",
  wrong_password: "Wrong Password",
  quota_exceeded: "Quota Exceeded",
};

export interface ApiErrorOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Title override, for statuses that share a code (405 uses not_found). */
  title?: string;
}

/**
 * The one error type for expected failures. Throw it anywhere; the app's onError turns it into
 * an RFC 9457 problem+json response.
 *
 * @example
 *   throw new ApiError(404, "not_found", "No task with that id.");
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(detail);
  }

  toProblem(): Problem {
    const problem: Problem = {
      type: "about:blank",
      title: this.options.title ?? titles[this.code],
      status: this.status,
      code: this.code,
      detail: this.detail,
    };
    if (this.options.errors) problem.errors = this.options.errors;
    return problem;
  }

  toResponse(extraHeaders?: Headers): Response {
    const headers = new Headers(extraHeaders);
    headers.set("Content-Type", "application/problem+json");
    for (const [name, value] of Object.entries(this.options.headers ?? {})) headers.set(name, value);
    return new Response(JSON.stringify(this.toProblem()), { status: this.status, headers });
  }
}

/** Builds the validation_failed error with one entry per bad field. */
export function validationError(errors: FieldError[]): ApiError {
  const detail = errors.map((e) => (e.path ? `${e.path} ${e.message}` : e.message)).join("; ");
  return new ApiError(400, "validation_failed", detail || "The request is not valid.", { errors });
}
