import { asc, eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { expect } from "vitest";
import { emailOutbox } from "../../src/server/db/schema/index.js";
import { bearer, jsonRequest, type SignedInUser } from "../helpers/auth-client.js";
import type { ReceivedEmail, SmtpInbox } from "../helpers/smtp-inbox.js";
import type { TestApp } from "../helpers/test-app.js";

export const FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0";
export const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** One more session of `user`, as a client on another device would open it. */
export interface Session {
  token: string;
  refreshToken: string;
  /** The session id, as GET /api/auth/sessions lists it (the access token's `sid`). */
  id: string;
}

export async function signIn(
  t: Pick<TestApp, "request">,
  user: Pick<SignedInUser, "email" | "password">,
  options: { userAgent?: string; address?: string } = {},
): Promise<Session> {
  const headers: Record<string, string> = options.userAgent ? { "user-agent": options.userAgent } : {};
  const res = await t.request("/api/auth/signin", {
    ...jsonRequest("POST", { email: user.email, password: user.password }, headers),
    ...(options.address ? { address: options.address } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { token: string; refreshToken: string };
  return { token: body.token, refreshToken: body.refreshToken, id: sessionIdOf(body.token) };
}

export function sessionIdOf(token: string): string {
  return decodeJwt(token).sid as string;
}

export const me = (t: Pick<TestApp, "request">, token: string) => t.request("/api/auth/me", { headers: bearer(token) });

export const refresh = (t: Pick<TestApp, "request">, refreshToken: string) =>
  t.request("/api/auth/refresh", jsonRequest("POST", { refreshToken }));

/** The emails queued for `recipient`, oldest first, read straight from the outbox table. */
export async function queuedEmails(t: Pick<TestApp, "database">, recipient: string) {
  return t.database.handle.db
    .select({ kind: emailOutbox.kind, userId: emailOutbox.userId, status: emailOutbox.status })
    .from(emailOutbox)
    .where(eq(emailOutbox.recipient, recipient))
    .orderBy(asc(emailOutbox.id));
}

/** Waits for the first email to `to` whose subject matches, whatever else was sent to it. */
export async function emailWithSubject(inbox: SmtpInbox, to: string, subject: RegExp): Promise<ReceivedEmail> {
  for (let count = 1; ; count++) {
    const found = (await inbox.waitFor(to, count)).find((email) => subject.test(email.subject));
    if (found) return found;
  }
}
