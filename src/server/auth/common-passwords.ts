import { dictionary } from "@zxcvbn-ts/language-common";

// The 49,233 most common passwords from @zxcvbn-ts/language-common (MIT licence), ordered by
// frequency. Matching is case-insensitive: "Password1" is as guessable as "password1".
let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  return common;
}

/** Loads the list now, so that the first sign-up does not pay for it. */
export function preloadCommonPasswords(): number {
  return commonPasswords().size;
}

/**
 * Why a new password is refused, or null when it is acceptable: too common, or the email
 * address or its local part.
 */
export function weakPasswordReason(password: string, email: string): string | null {
  const lower = password.toLowerCase();
  const localPart = email.slice(0, email.lastIndexOf("@")).toLowerCase();
  if (lower === email.toLowerCase() || lower === localPart) {
    return "The password must not be your email address or its local part.";
  }
  if (commonPasswords().has(lower)) {
    return "This password is one of the most commonly used passwords; choose another.";
  }
  return null;
}
