import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { vi } from "vitest";
import type { User } from "../../shared/auth.schemas.js";
import { session } from "../lib/api.js";
import { user as ada, tokenBody } from "./fake-server.js";

/** One request the page sent, as the server would read it. */
export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

/**
 * Stands in for the server: `answer` gets each request the app sends through `fetch` and returns
 * the response; every request is kept in the returned list, in order.
 */
export function fakeServer(answer: (request: SentRequest) => Response | Promise<Response>): SentRequest[] {
  const sent: SentRequest[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = new URL(String(input), "http://taskvault.test");
      const headers = (init.headers ?? {}) as Record<string, string>;
      const request: SentRequest = {
        method: init.method ?? "GET",
        path: url.pathname + url.search,
        body: typeof init.body === "string" && init.body ? JSON.parse(init.body) : undefined,
        authorization: headers.Authorization,
      };
      sent.push(request);
      return answer(request);
    }),
  );
  return sent;
}

/**
 * Renders `ui` as the app would for a signed-in `user` (the app's real session and API client,
 * talking to the stubbed fetch). Call `session.signOut()` or forget the user after the test.
 */
export function renderSignedIn(ui: ReactNode, user: User = ada) {
  session.signedIn({ user, ...tokenBody("access-token") });
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY }, mutations: { retry: false } },
  });
  return { queryClient, ...render(<QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>) };
}
