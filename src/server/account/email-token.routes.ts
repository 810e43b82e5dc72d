import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { meResponseSchema } from "../../shared/auth.schemas.js";
import {
  type Accepted,
  acceptedSchema,
  changeEmailBodySchema,
  emailedTokenBodySchema,
  forgotPasswordBodySchema,
  resetPasswordBodySchema,
} from "../../shared/email-token.schemas.js";
import { DeviceCookies } from "../auth/device-cookie.js";
import type { AuthModule } from "../auth/index.js";
import { requireUser, unauthorized } from "../auth/require-user.js";
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import type { AppEnv } from "../http/app-env.js";
import { clientAddress } from "../http/client-address.js";
import { addRoute, jsonContent, problemResponse } from "../http/routes.js";
import { readJson } from "../http/validation.js";
import type { Logger } from "../logger.js";
import { isSessionLive } from "./account.repository.js";
import { EmailTokenService } from "./email-token.service.js";

const security = [{ bearerAuth: [] }];
const json = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const withBody = {
  400: problemResponse("validation_failed or invalid_json"),
  413: problemResponse("payload_too_large"),
  415: problemResponse("unsupported_media_type"),
};
const signedIn = { 401: problemResponse("unauthorized: missing, invalid, expired or revoked access token") };
const throttled = { 429: problemResponse("rate_limited: asked too often; with Retry-After") };
const tokenInvalid = "token_invalid: unknown, expired or already used";

export const forgotPasswordRoute = createRoute({
  method: "post",
  path: "/api/auth/forgot-password",
  tags: ["account"],
  summary: "Email a password-reset link",
  description:
    "When an account has this email, a link to `PUBLIC_URL/reset-password?token=…` (1 hour, single use) is queued for it. The answer is the same, with the same work done, whether or not the account exists; the email is sent afterwards, never within the request.",
  request: { body: json(forgotPasswordBodySchema) },
  responses: {
    202: jsonContent(acceptedSchema, "Accepted; the same answer for every well-formed email"),
    ...withBody,
    429: problemResponse("rate_limited: too many requests for this email or from this address; with Retry-After"),
  },
});

export const resetPasswordRoute = createRoute({
  method: "post",
  path: "/api/auth/reset-password",
  tags: ["account"],
  summary: "Set a new password with the token of a reset link; every session ends",
  description:
    "Every session of the account ends at once, with its access tokens (on every process within a second). The email counts as verified; other reset links and a pending email change die; a notice is emailed.",
  request: { body: json(resetPasswordBodySchema) },
  responses: {
    204: { description: "The password is set; sign in with it" },
    400: problemResponse(`validation_failed, invalid_json, weak_password or ${tokenInvalid}`),
    413: problemResponse("payload_too_large"),
    415: problemResponse("unsupported_media_type"),
    503: problemResponse("server_busy: too many password hashes are waiting; with Retry-After"),
  },
});

export const verifyEmailRoute = createRoute({
  method: "post",
  path: "/api/auth/verify-email",
  tags: ["account"],
  summary: "Mark the email verified with the token of a verification link",
  description: "The link works for 24 hours, once, and only while the account still has the address it was sent to.",
  request: { body: json(emailedTokenBodySchema) },
  responses: {
    200: jsonContent(meResponseSchema, "The user, with emailVerified true"),
    400: problemResponse(`validation_failed, invalid_json or ${tokenInvalid}`),
    413: problemResponse("payload_too_large"),
    415: problemResponse("unsupported_media_type"),
  },
});

export const resendVerificationRoute = createRoute({
  method: "post",
  path: "/api/auth/verify-email/resend",
  tags: ["account"],
  summary: "Email a new verification link",
  description: "Already verified: the same 202, and nothing is sent.",
  security,
  responses: {
    202: jsonContent(acceptedSchema, "Accepted"),
    ...signedIn,
    ...throttled,
  },
});

export const changeEmailRoute = createRoute({
  method: "post",
  path: "/api/auth/change-email",
  tags: ["account"],
  summary: "Change your email: a confirmation link goes to the new address, a notice to the old",
  description:
    "The account keeps its address until the link sent to the new one (`PUBLIC_URL/confirm-email?token=…`, 24 hours, single use) is used. A new request replaces the previous link. The password is checked like a sign-in.",
  security,
  request: { body: json(changeEmailBodySchema) },
  responses: {
    202: jsonContent(acceptedSchema, "Accepted; the emails are on their way"),
    400: problemResponse("validation_failed (also: newEmail is already the account's email) or invalid_json"),
    ...signedIn,
    403: problemResponse("wrong_password: counted like a failed sign-in"),
    409: problemResponse("email_taken: another account has this email"),
    413: problemResponse("payload_too_large"),
    415: problemResponse("unsupported_media_type"),
    429: problemResponse("rate_limited: too many wrong passwords or email changes; with Retry-After"),
    503: problemResponse("server_busy: too many password checks are waiting; with Retry-After"),
  },
});

export const confirmEmailRoute = createRoute({
  method: "post",
  path: "/api/auth/confirm-email",
  tags: ["account"],
  summary: "Switch to the new email with the token of a confirmation link",
  description: "The account takes the new address, verified. Every other emailed link of the account stops working.",
  request: { body: json(emailedTokenBodySchema) },
  responses: {
    200: jsonContent(meResponseSchema, "The user with the new email"),
    400: problemResponse(`validation_failed, invalid_json or ${tokenInvalid}`),
    409: problemResponse("email_taken: another account took the address meanwhile"),
    413: problemResponse("payload_too_large"),
    415: problemResponse("unsupported_media_type"),
  },
});

const accepted = (detail: string): Accepted => ({ status: "accepted", detail });

/**
 * The routes of the emailed-link flows (password reset, verification, email change). Wired in
 * app.ts from the app's own dependencies.
 */
export function addEmailTokenRoutes(
  app: OpenAPIHono<AppEnv>,
  deps: { config: Config; database: DatabaseHandle; auth: AuthModule; logger: Logger },
): void {
  const { config, auth } = deps;
  const service = new EmailTokenService({ config, db: deps.database.db, logger: deps.logger, auth });
  const devices = new DeviceCookies(config.publicUrl, config.secrets);
  const address = (c: Context) => clientAddress(c, config.trustProxy);
  // Like the other account routes: the session row must still exist, so a session ended on
  // another process (or a deleted account) cannot act here before this process's next poll.
  const liveSession: MiddlewareHandler<AppEnv> = async function liveSession(c, next) {
    const caller = c.get("auth");
    if (!(await isSessionLive(deps.database.db, caller.userId, caller.sessionId, config.sessionMaxAge))) {
      auth.revocations.remember([caller.sessionId]);
      throw unauthorized(true, "The session of this access token was signed out.");
    }
    await next();
  };
  const signedInUser = [requireUser(auth.tokens, auth.revocations), liveSession] as const;

  addRoute(app, forgotPasswordRoute, async (c) => {
    const body = await readJson(c, forgotPasswordBodySchema);
    await service.forgotPassword(body.email, { address: address(c) });
    return c.json(accepted("If an account uses this email, a link to reset its password is on its way."), 202);
  });

  addRoute(app, resetPasswordRoute, async (c) => {
    const body = await readJson(c, resetPasswordBodySchema);
    await service.resetPassword(body.token, body.newPassword, { address: address(c), signal: c.req.raw.signal });
    return c.body(null, 204);
  });

  addRoute(app, verifyEmailRoute, async (c) => {
    const body = await readJson(c, emailedTokenBodySchema);
    const user = await service.verifyEmail(body.token);
    c.header("Cache-Control", "no-store");
    return c.json({ user }, 200);
  });

  addRoute(app, resendVerificationRoute, ...signedInUser, async (c) => {
    await service.resendVerification(c.get("auth").userId);
    return c.json(accepted("Unless your email is verified already, a new link is on its way."), 202);
  });

  addRoute(app, changeEmailRoute, ...signedInUser, async (c) => {
    const body = await readJson(c, changeEmailBodySchema);
    await service.changeEmail(c.get("auth").userId, body, {
      address: address(c),
      deviceFor: (email) => devices.deviceFor(c, email),
      signal: c.req.raw.signal,
    });
    return c.json(
      accepted("A confirmation link is on its way to the new address; until it is used, nothing changes."),
      202,
    );
  });

  addRoute(app, confirmEmailRoute, async (c) => {
    const body = await readJson(c, emailedTokenBodySchema);
    const user = await service.confirmEmail(body.token);
    c.header("Cache-Control", "no-store");
    return c.json({ user }, 200);
  });
}
