import { randomBytes } from "node:crypto";
import type { TestApp } from "./test-app.js";

export const STRONG_PASSWORD = "correct horse battery staple";

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}@example.com`;
}

export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

export interface SignedInUser {
  id: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  /** The Set-Cookie header of the sign-up response. */
  cookie: string;
}

/** Signs a new user up through the API and returns what a client would keep. */
export async function signUp(
  t: TestApp,
  fields: { email?: string; password?: string; name?: string } = {},
): Promise<SignedInUser> {
  const email = fields.email ?? uniqueEmail();
  const password = fields.password ?? STRONG_PASSWORD;
  const res = await t.request(
    "/api/auth/signup",
    jsonRequest("POST", { email, password, ...(fields.name ? { name: fields.name } : {}) }),
  );
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string; email: string }; token: string; refreshToken: string };
  return {
    id: body.user.id,
    email: body.user.email,
    password,
    token: body.token,
    refreshToken: body.refreshToken,
    cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "",
  };
}

export function bearer(token: string, headers: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...headers };
}
