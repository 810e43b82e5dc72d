import { type FieldError, type Problem, problemSchema } from "../../shared/problem.js";

/** A problem document the server answered with (RFC 9457), plus what the client needs of it. */
export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly status: number,
    readonly problem: Problem,
    /** Seconds from `Retry-After`, on 429 and 503 answers. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem.detail);
  }

  get code(): Problem["code"] {
    return this.problem.code;
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

/** The server could not be reached, or did not answer in time: worth retrying, nothing was refused. */
export class NetworkError extends Error {
  override name = "NetworkError";
}

/** True for failures the user can fix by retrying later: no answer, or a 5xx. */
export function isRetryable(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof ApiError && error.status >= 500);
}

/** Reads a failed response into an ApiError; a body that is not a problem document gets a generic one. */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const parsed = problemSchema.safeParse(body);
  const problem: Problem = parsed.success
    ? parsed.data
    : {
        type: "about:blank",
        title: response.statusText || "Error",
        status: response.status,
        code: response.status >= 500 ? "internal" : "not_found",
        detail:
          response.status >= 500 ? "The server had a problem. Try again in a moment." : "The request did not work.",
      };
  return new ApiError(response.status, problem, retryAfter);
}

/** `Retry-After` as seconds from now: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** What to tell a person about a failure, in one sentence. */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) return "Can't reach Taskvault right now.";
  if (error instanceof ApiError) {
    if (error.status >= 500) return "Taskvault had a problem on its side. Try again in a moment.";
    const field = error.fieldErrors[0];
    return field ? `${capitalize(field.path)} ${field.message}.` : error.problem.detail;
  }
  return "Something went wrong. Try again.";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
