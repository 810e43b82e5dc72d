import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  authResponseSchema,
  meResponseSchema,
  refreshBodySchema,
  signinBodySchema,
  signupBodySchema,
  tokenResponseSchema,
} from "../../shared/auth.schemas.js";
import type { Config } from "../config.js";
import type { AppEnv } from "../http/app-env.js";
import { clientAddress } from "../http/client-address.js";
import { addRoute, jsonContent, problemResponse } from "../http/routes.js";
import { readJson } from "../http/validation.js";
import type { AccessTokens, IssuedToken } from "./access-tokens.js";
import { type AuthService, sessionExpired } from "./auth.service.js";
import { DeviceCookies } from "./device-cookie.js";
import { RefreshCookie, wantsCookieOnly } from "./refresh-cookie.js";
import { authenticate, requireUser } from "./require-user.js";
import type { RevocationList } from "./revocations.js";

const bearer = [{ bearerAuth: [] }];
const refreshHeader = z.object({
  "x-refresh-token": z
    .literal("cookie")
    .optional()
    .describe("Send `cookie` to receive the refresh token only as an HttpOnly cookie, not in the body."),
});
const json = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });

export const signupRoute = createRoute({
  method: "post",
  path: "/api/auth/signup",
  tags: ["auth"],
  summary: "Create an account and sign in",
  request: { body: json(signupBodySchema), headers: refreshHeader },
  responses: {
    201: jsonContent(authResponseSchema, "Signed up; the session cookie is set"),
    400: problemResponse("validation_failed, invalid_json or weak_password"),
    409: problemResponse("email_taken"),
    413: problemResponse("payload_too_large"),
    415: problemResponse("unsupported_media_type"),
    429: problemResponse("rate_limited, with Retry-After"),
    503: problemResponse("server_busy: too many sign-ins are waiting for a password hash; with Retry-After"),
  },
});

export const signinRoute = createRoute({
  method: "post",
  path: "/api/auth/signin",
  tags: ["auth"],
  summary: "Sign in with email and password",
  request: { body: json(signinBodySchema), headers: refreshHeader },
  responses: {
    200: jsonContent(authResponseSchema, "Signed in; the session cookie is set"),
    400: problemResponse("validation_failed or invalid_json"),
    401: problemResponse("invalid_credentials: the same answer for a wrong password and an unknown email"),
    413: problemResponse("payload_too_large"),
    415: problemResponse("unsupported_media_type"),
    429: problemResponse("rate_limited, with Retry-After"),
    503: problemResponse("server_busy: too many sign-ins are waiting for a password hash; with Retry-After"),
  },
});

export const refreshRoute = createRoute({
  method: "post",
  path: "/api/auth/refresh",
  tags: ["auth"],
  summary: "Get a new access token and a new refresh token for a live session",
  description:
    "Send the refresh token in the body, or an empty body with the session cookie. The refresh token rotates: the answer carries the new one (in the body for a body refresh, only in the cookie for a cookie refresh), and the one presented is retired. A retired token presented again within REFRESH_REUSE_GRACE seconds gets the current one; later, it revokes the whole session.",
  request: {
    body: { content: { "application/json": { schema: refreshBodySchema } }, required: false },
    headers: refreshHeader,
  },
  responses: {
    200: jsonContent(tokenResponseSchema, "A new access token"),
    400: problemResponse("validation_failed or invalid_json"),
    401: problemResponse("unauthorized: the session has expired or was signed out"),
    413: problemResponse("payload_too_large"),
    415: problemResponse("unsupported_media_type"),
  },
});

export const signoutRoute = createRoute({
  method: "post",
  path: "/api/auth/signout",
  tags: ["auth"],
  summary: "Sign out: delete the session and revoke its access tokens",
  description:
    "Authenticated by the access token, or by the session cookie; when the request carries both, both sessions end.",
  security: bearer,
  responses: {
    204: { description: "Signed out" },
    401: problemResponse("unauthorized"),
  },
});

export const meRoute = createRoute({
  method: "get",
  path: "/api/auth/me",
  tags: ["auth"],
  summary: "The signed-in user",
  security: bearer,
  responses: {
    200: jsonContent(meResponseSchema, "The user"),
    401: problemResponse("unauthorized"),
  },
});

export const jwksRoute = createRoute({
  method: "get",
  path: "/api/auth/jwks",
  tags: ["auth"],
  summary: "The public keys that verify access tokens (JWK Set)",
  responses: {
    200: jsonContent(z.object({ keys: z.array(z.record(z.string(), z.unknown())) }), "JWK Set"),
  },
});

export interface AuthRouteDeps {
  config: Config;
  service: AuthService;
  tokens: AccessTokens;
  revocations: RevocationList;
}

/** The contract's auth endpoints. Better Auth's own HTTP routes are never mounted. */
export function addAuthRoutes(app: OpenAPIHono<AppEnv>, deps: AuthRouteDeps): void {
  const { config, service, tokens, revocations } = deps;
  const cookie = new RefreshCookie(config.publicUrl, config.sessionTtl);
  const devices = new DeviceCookies(config.publicUrl, config.secrets);
  const origin = (c: Context) => ({
    address: clientAddress(c, config.trustProxy),
    userAgent: c.req.header("user-agent"),
    signal: c.req.raw.signal,
  });
  // `bodyMayCarry` false: the refresh token stays out of the body whatever the headers say.
  const tokenBody = (c: Context, issued: IssuedToken & { refreshToken: string }, bodyMayCarry = true) => ({
    token: issued.token,
    tokenType: "Bearer" as const,
    expiresAt: issued.expiresAt.toISOString(),
    ...(bodyMayCarry && !wantsCookieOnly(c) ? { refreshToken: issued.refreshToken } : {}),
  });

  addRoute(app, signupRoute, async (c) => {
    service.refuseWhileBusy(false);
    const body = await readJson(c, signupBodySchema);
    const signedIn = await service.signup(body, origin(c));
    cookie.write(c, signedIn.refreshToken);
    devices.issue(c, signedIn.user.email);
    noStore(c);
    return c.json({ user: signedIn.user, ...tokenBody(c, signedIn) }, 201);
  });

  addRoute(app, signinRoute, async (c) => {
    service.refuseWhileBusy(devices.present(c));
    const body = await readJson(c, signinBodySchema);
    const signedIn = await service.signin(body, { ...origin(c), deviceId: devices.deviceFor(c, body.email) });
    cookie.write(c, signedIn.refreshToken);
    devices.issue(c, signedIn.user.email);
    noStore(c);
    return c.json({ user: signedIn.user, ...tokenBody(c, signedIn) }, 200);
  });

  addRoute(app, refreshRoute, async (c) => {
    const body = await readJson(c, refreshBodySchema, { optional: true });
    const fromCookie = body.refreshToken === undefined;
    const refreshToken = body.refreshToken ?? cookie.read(c);
    if (!refreshToken) throw sessionExpired();
    try {
      const refreshed = await service.refresh(refreshToken);
      cookie.write(c, refreshed.refreshToken);
      noStore(c);
      // A value the browser keeps out of JavaScript's reach stays there.
      return c.json(tokenBody(c, refreshed, !fromCookie), 200);
    } catch (error) {
      if (fromCookie) cookie.clear(c);
      throw error;
    }
  });

  // Ends the bearer's session and the cookie's, when the request carries both (they can differ:
  // a stale tab, or a token from another sign-in).
  addRoute(app, signoutRoute, async (c) => {
    const sessionIds: string[] = [];
    if (c.req.header("authorization") !== undefined) {
      sessionIds.push((await authenticate(c, tokens, revocations)).sessionId);
    }
    const refreshToken = cookie.read(c);
    const cookieSession = refreshToken ? await service.sessionIdForRefreshToken(refreshToken) : undefined;
    if (cookieSession && !sessionIds.includes(cookieSession)) sessionIds.push(cookieSession);
    if (sessionIds.length === 0) throw sessionExpired();
    cookie.clear(c);
    await service.signout(sessionIds);
    return c.body(null, 204);
  });

  addRoute(app, meRoute, requireUser(tokens, revocations), async (c) => {
    const user = await service.me(c.get("auth").userId);
    noStore(c);
    return c.json({ user }, 200);
  });

  addRoute(app, jwksRoute, async (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(await tokens.publicJwks(), 200);
  });
}

/** Responses that carry tokens or personal data must not be stored by any cache. */
function noStore(c: Context): void {
  c.header("Cache-Control", "no-store");
}
