import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.js";
import { ApiError } from "../http/problem.js";
import { type AccessClaims, type AccessTokens, InvalidTokenError } from "./access-tokens.js";
import type { RevocationList } from "./revocations.js";

const BEARER = /^Bearer +([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*) *$/i;

/** 401 with the RFC 6750 challenge: `error="invalid_token"` only when a token was sent. */
export function unauthorized(tokenSent: boolean, detail: string): ApiError {
  const challenge = tokenSent ? 'Bearer realm="taskvault", error="invalid_token"' : 'Bearer realm="taskvault"';
  return new ApiError(401, "unauthorized", detail, { headers: { "WWW-Authenticate": challenge } });
}

/** Verifies the request's bearer token (signature, claims, revocation); throws a 401 otherwise. */
export async function authenticate(
  c: Context,
  tokens: AccessTokens,
  revocations: RevocationList,
): Promise<AccessClaims> {
  const header = c.req.header("authorization");
  if (header === undefined || header.trim() === "") {
    throw unauthorized(false, "Send an access token as Authorization: Bearer <token>.");
  }
  const token = BEARER.exec(header)?.[1];
  if (!token) throw unauthorized(true, "The Authorization header must be Bearer <token>.");
  let claims: AccessClaims;
  try {
    claims = await tokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthorized(true, "The access token is invalid or has expired.");
    throw error;
  }
  if (revocations.isRevoked(claims.sessionId))
    throw unauthorized(true, "The session of this access token was signed out.");
  return claims;
}

/**
 * Guards a route: only a request with a valid, unrevoked access token gets through, and the
 * handler reads the caller from `c.get("auth")`. Tokens in the query string are never read.
 */
export function requireUser(tokens: AccessTokens, revocations: RevocationList): MiddlewareHandler<AppEnv> {
  return async function requireUser(c, next) {
    c.set("auth", await authenticate(c, tokens, revocations));
    await next();
  };
}
