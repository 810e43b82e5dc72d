import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { profilePatchSchema } from "../../../../shared/account.schemas.js";
import { meResponseSchema, type User } from "../../../../shared/auth.schemas.js";
import { api, session } from "../../../lib/api.js";
import { rememberAccount } from "./get-account.js";

export type ProfilePatchInput = z.input<typeof profilePatchSchema>;

/** `PATCH /api/auth/me`: renames, or sets the time zone; only the fields given change. */
export async function updateProfile(patch: ProfilePatchInput): Promise<User> {
  return (await api.request("/api/auth/me", { method: "PATCH", body: patch, schema: meResponseSchema })).user;
}

/** updateProfile, whose answer the page and the header show at once. */
export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return async (patch: ProfilePatchInput) => {
    const user = await updateProfile(patch);
    rememberAccount(queryClient, user);
    return user;
  };
}

/** The time zone this browser runs in (an IANA name), or null when it does not say. */
export function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/**
 * Right after sign-up, sets the new account's time zone to this browser's, so that recurring
 * tasks and due days fall where the person lives without a visit to the account page. Only then:
 * later, a `UTC` may be a choice (src/web/README.md). Best effort: a failure leaves `UTC`, which
 * the account page offers to change.
 */
export async function adoptBrowserTimeZone(queryClient: QueryClient): Promise<void> {
  const zone = browserTimeZone();
  const snapshot = session.getSnapshot();
  if (!zone || snapshot.status !== "signed-in" || snapshot.user.timeZone === zone) return;
  try {
    rememberAccount(queryClient, await updateProfile({ timeZone: zone }));
  } catch {
    // Offline, or a zone this server's runtime does not know: UTC stays, and can be changed by hand.
  }
}
