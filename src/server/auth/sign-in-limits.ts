import type { RateLimits } from "../config.js";
import type { Limit } from "./throttle.js";

/**
 * Which throttles a sign-in attempt counts against (docs/decisions/010-device-cookies.md):
 * - a client with a valid device cookie for the account: that device's own limit only; it was
 *   signed in to this account before, so it can neither spray other accounts nor be locked out
 *   by strangers;
 * - any other client: the account's limit, shared by every untrusted client, and its address's
 *   limit, which catches one address trying many accounts.
 */
export function signinLimits(
  limits: RateLimits,
  attempt: { email: string; address: string; deviceId: string | undefined },
): Limit[] {
  const windowSeconds = limits.signinWindowSeconds;
  if (attempt.deviceId) {
    return [{ name: "signin-device", subject: attempt.deviceId, max: limits.signinFailuresPerDevice, windowSeconds }];
  }
  return [
    { name: "signin-account", subject: attempt.email, max: limits.signinFailuresPerAccount, windowSeconds },
    { name: "signin-address", subject: attempt.address, max: limits.signinFailuresPerAddress, windowSeconds },
  ];
}
