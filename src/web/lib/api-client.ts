import type { z } from "zod";
import { ApiError, apiErrorFromResponse, NetworkError } from "./api-error.js";
import type { Session } from "./session.js";

export interface RequestOptions<S extends z.ZodType | undefined> {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  /** Validates (and types) the JSON answer; without it the answer is ignored. */
  schema?: S;
  /** Send the access token (default), renewing it on 401 and retrying once. */
  auth?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Lets the request outlive the page (used to finish pending deletes on page hide). */
  keepalive?: boolean;
}

export interface ApiResult<T> {
  data: T;
  response: Response;
}

type Data<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ApiClient {
  /** Sends a request and returns the validated answer; throws ApiError or NetworkError. */
  request<S extends z.ZodType | undefined = undefined>(path: string, options?: RequestOptions<S>): Promise<Data<S>>;
  /** Like `request`, keeping the Response (for headers such as Date or ETag). */
  send<S extends z.ZodType | undefined = undefined>(
    path: string,
    options?: RequestOptions<S>,
  ): Promise<ApiResult<Data<S>>>;
}

/**
 * The one way the app talks to the API. Authenticated requests carry the in-memory access token;
 * when the server answers 401 the session renews the token (one refresh shared by every request
 * that was refused at the same time) and the request is retried once. A request that gets no
 * answer within `timeoutMs` fails with NetworkError, so a slow server never hangs the page.
 */
export function createApiClient(deps: { session: Session; fetch?: typeof fetch; timeoutMs?: number }): ApiClient {
  const send = deps.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = deps.timeoutMs ?? 15_000;

  async function attempt(path: string, options: RequestOptions<z.ZodType | undefined>, token: string | null) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await send(path, {
        method: options.method ?? "GET",
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        credentials: "same-origin",
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
        keepalive: options.keepalive,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new NetworkError(`No answer from ${path}`);
    }
  }

  async function sendRequest(path: string, options: RequestOptions<z.ZodType | undefined> = {}) {
    const auth = options.auth ?? true;
    let token = auth ? await deps.session.accessToken() : null;
    if (auth && !token) throw signedOut();
    let response = await attempt(path, options, token);
    if (auth && token && response.status === 401) {
      token = await deps.session.tokenAfterRejection(token);
      if (!token) throw signedOut();
      response = await attempt(path, options, token);
    }
    if (!response.ok) throw await apiErrorFromResponse(response);
    if (!options.schema || response.status === 204) return { data: undefined, response };
    return { data: options.schema.parse(await response.json()), response };
  }

  return {
    async request(path, options) {
      return (await sendRequest(path, options)).data as never;
    },
    send: sendRequest as ApiClient["send"],
  };
}

function signedOut(): ApiError {
  return new ApiError(401, {
    type: "about:blank",
    title: "Unauthorized",
    status: 401,
    code: "unauthorized",
    detail: "Your session has ended. Sign in again.",
  });
}
