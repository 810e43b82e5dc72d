import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import {
  accountExportSchema,
  changePasswordBodySchema,
  deleteAccountBodySchema,
  profilePatchSchema,
  sessionListSchema,
} from "../../shared/account.schemas.js";
import { meResponseSchema } from "../../shared/auth.schemas.js";
import { DeviceCookies } from "../auth/device-cookie.js";
import type { AuthModule } from "../auth/index.js";
import { RefreshCookie } from "../auth/refresh-cookie.js";
import { requireUser } from "../auth/require-user.js";
import type { Config } from "../config.js";
import type { AppEnv } from "../http/app-env.js";
import { clientAddress } from "../http/client-address.js";
import { addRoute, jsonContent, problemResponse } from "../http/routes.js";
import { readJson } from "../http/validation.js";
import type { AccountService, PasswordAttempt } from "./account.service.js";

const security = [{ bearerAuth: [] }];
const json = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const signedIn = { 401: problemResponse("unauthorized: missing, invalid, expired or revoked access token") };
const withBody = {
  413: problemResponse("payload_too_large"),
  415: problemResponse("unsupported_media_type"),
};
const passwordChecked = {
  403: problemResponse("wrong_password: counted like a failed sign-in"),
  429: problemResponse("rate_limited: too many wrong passwords for this account or address; with Retry-After"),
  503: problemResponse("server_busy: too many password checks are waiting; with Retry-After"),
};

export const updateMeRoute = createRoute({
  method: "patch",
  path: "/api/auth/me",
  tags: ["account"],
  summary: "Change your name or time zone",
  description: "Only the fields given change; an empty object changes nothing and answers the user.",
  security,
  request: { body: json(profilePatchSchema) },
  responses: {
    200: jsonContent(meResponseSchema, "The user as it is now"),
    400: problemResponse("validation_failed or invalid_json"),
    ...signedIn,
    ...withBody,
  },
});

export const changePasswordRoute = createRoute({
  method: "post",
  path: "/api/auth/change-password",
  tags: ["account"],
  summary: "Change your password; every other session is signed out",
  description:
    "Every session of the account but the one of this access token ends at once, with its access tokens. A notice is emailed to the account's address.",
  security,
  request: { body: json(changePasswordBodySchema) },
  responses: {
    204: { description: "Changed" },
    400: problemResponse("validation_failed, invalid_json or weak_password"),
    ...signedIn,
    ...passwordChecked,
    ...withBody,
  },
});

export const listSessionsRoute = createRoute({
  method: "get",
  path: "/api/auth/sessions",
  tags: ["account"],
  summary: "Where you are signed in: your live sessions",
  security,
  responses: {
    200: jsonContent(sessionListSchema, "The current session first, then the most recently used"),
    ...signedIn,
  },
});

export const endSessionRoute = createRoute({
  method: "delete",
  path: "/api/auth/sessions/{id}",
  tags: ["account"],
  summary: "Sign one session out; its access tokens are revoked at once",
  security,
  request: { params: z.object({ id: z.string().describe("A session id from GET /api/auth/sessions") }) },
  responses: {
    204: { description: "Signed out" },
    ...signedIn,
    404: problemResponse(
      "not_found: no such session of yours (an unknown, malformed or another user's id: the same answer)",
    ),
  },
});

export const endOtherSessionsRoute = createRoute({
  method: "delete",
  path: "/api/auth/sessions",
  tags: ["account"],
  summary: "Sign out everywhere else: every session but this one ends",
  security,
  responses: { 204: { description: "Every other session signed out" }, ...signedIn },
});

export const exportAccountRoute = createRoute({
  method: "get",
  path: "/api/auth/account/export",
  tags: ["account"],
  summary: "Download everything the service holds about you, as JSON",
  security,
  responses: {
    200: {
      ...jsonContent(accountExportSchema, "Your data: user, tasks, sessions"),
      headers: {
        "Content-Disposition": {
          schema: { type: "string" as const },
          description: 'attachment; filename="taskvault-export-YYYY-MM-DD.json"',
        },
      },
    },
    ...signedIn,
  },
});

export const deleteAccountRoute = createRoute({
  method: "delete",
  path: "/api/auth/account",
  tags: ["account"],
  summary: "Delete your account, its tasks and sessions",
  description:
    "Needs the password. The user, their tasks, sessions and pending emails are deleted in one transaction, every access token is revoked at once, and a notice is emailed to the address that was the account's.",
  security,
  request: { body: json(deleteAccountBodySchema) },
  responses: {
    204: { description: "Deleted" },
    400: problemResponse("validation_failed or invalid_json"),
    ...signedIn,
    ...passwordChecked,
    ...withBody,
  },
});

export interface AccountRouteDeps {
  config: Config;
  service: AccountService;
  auth: Pick<AuthModule, "tokens" | "revocations">;
}

/** The signed-in account's routes (issue 11): profile, password, sessions, export, deletion. */
export function addAccountRoutes(app: OpenAPIHono<AppEnv>, deps: AccountRouteDeps): void {
  const { config, service, auth } = deps;
  const devices = new DeviceCookies(config.publicUrl, config.secrets);
  const cookie = new RefreshCookie(config.publicUrl, config.sessionTtl);
  const liveSession: MiddlewareHandler<AppEnv> = async (c, next) => {
    await service.requireLiveSession(c.get("auth"));
    await next();
  };
  const guard = [requireUser(auth.tokens, auth.revocations), liveSession] as const;
  const attempt = (c: Context): PasswordAttempt => ({
    address: clientAddress(c, config.trustProxy),
    deviceFor: (email) => devices.deviceFor(c, email),
    signal: c.req.raw.signal,
  });

  addRoute(app, updateMeRoute, ...guard, async (c) => {
    const patch = await readJson(c, profilePatchSchema);
    const user = await service.updateProfile(c.get("auth"), patch);
    noStore(c);
    return c.json({ user }, 200);
  });

  addRoute(app, changePasswordRoute, ...guard, async (c) => {
    const body = await readJson(c, changePasswordBodySchema);
    await service.changePassword(c.get("auth"), body, attempt(c));
    return c.body(null, 204);
  });

  addRoute(app, listSessionsRoute, ...guard, async (c) => {
    const sessions = await service.listSessions(c.get("auth"));
    noStore(c);
    return c.json({ sessions }, 200);
  });

  addRoute(app, endSessionRoute, ...guard, async (c) => {
    await service.endSession(c.get("auth"), c.req.param("id") ?? "");
    return c.body(null, 204);
  });

  addRoute(app, endOtherSessionsRoute, ...guard, async (c) => {
    await service.endOtherSessions(c.get("auth"));
    return c.body(null, 204);
  });

  addRoute(app, exportAccountRoute, ...guard, async (c) => {
    const data = await service.exportAccount(c.get("auth"));
    noStore(c);
    c.header("Content-Disposition", `attachment; filename="taskvault-export-${data.exportedAt.slice(0, 10)}.json"`);
    return c.json(data, 200);
  });

  addRoute(app, deleteAccountRoute, ...guard, async (c) => {
    const body = await readJson(c, deleteAccountBodySchema);
    await service.deleteAccount(c.get("auth"), body.password, attempt(c));
    // The browser's session cookie names a session that no longer exists.
    cookie.clear(c);
    return c.body(null, 204);
  });
}

/** Responses that carry personal data must not be stored by any cache. */
function noStore(c: Context): void {
  c.header("Cache-Control", "no-store");
}
