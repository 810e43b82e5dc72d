import { useState } from "react";
import type { User } from "../../../../shared/auth.schemas.js";
import { changeEmailBodySchema } from "../../../../shared/email-token.schemas.js";
import { Button } from "../../../components/button.js";
import { EmailField } from "../../../components/email-field.js";
import { FormAlert } from "../../../components/form-alert.js";
import { PasswordField } from "../../../components/password-field.js";
import type { ApiError } from "../../../lib/api-error.js";
import { useStore } from "../../../lib/create-store.js";
import { focusOnMount } from "../../../lib/focus-on-mount.js";
import { useForm } from "../../../lib/use-form.js";
import { changeEmail, pendingEmail } from "../api/change-email.js";
import { ResendVerificationButton } from "./resend-verification-button.js";

const labels = { newEmail: "New email", password: "Current password" };

// The server checks only the type of the password; an empty one cannot be right.
const changeEmailFormSchema = changeEmailBodySchema.refine((body) => body.password !== "", {
  path: ["password"],
  message: "is required",
});

function fieldErrorsFor(error: ApiError) {
  if (error.code === "wrong_password") return { password: "That is not your current password." };
  if (error.code === "email_taken") return { newEmail: "Another account already uses this address." };
  return null;
}

/**
 * The address, whether it is verified, and a change to another one: the account keeps its address
 * until the link sent to the new one is opened, so a change asked for is shown as waiting.
 */
export function EmailSection({ user }: { user: User }) {
  const waitingFor = useStore(pendingEmail);
  const [editing, setEditing] = useState(false);
  const pending = waitingFor && waitingFor !== user.email ? waitingFor : null;
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm font-medium break-all text-slate-900 dark:text-slate-100">{user.email}</p>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {user.emailVerified ? "Verified." : "Not verified yet: open the link we sent to this address."}
        </p>
        {user.emailVerified ? null : (
          <div className="mt-2">
            <ResendVerificationButton />
          </div>
        )}
      </div>
      {pending ? (
        <FormAlert tone="info">
          Waiting for confirmation: <strong className="break-all">{pending}</strong>. Open the link we sent there within
          24 hours; until then your email stays {user.email}.
        </FormAlert>
      ) : null}
      {editing ? (
        <ChangeEmailForm
          onRequested={(newEmail) => {
            pendingEmail.set(newEmail);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <Button variant="secondary" onClick={() => setEditing(true)}>
          {pending ? "Change to another address" : "Change email"}
        </Button>
      )}
    </div>
  );
}

function ChangeEmailForm({ onRequested, onCancel }: { onRequested(newEmail: string): void; onCancel(): void }) {
  const form = useForm({
    labels,
    idPrefix: "change-email-",
    initial: { newEmail: "", password: "" },
    schema: changeEmailFormSchema,
    toBody: (v) => ({ newEmail: v.newEmail, password: v.password }),
    submit: changeEmail,
    onSuccess: (_, body) => onRequested(body.newEmail.trim().toLowerCase()),
    fieldErrorsFor,
  });
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-busy={form.pending}>
      {form.alert ? <FormAlert>{form.alert}</FormAlert> : null}
      <EmailField
        {...form.bind("newEmail")}
        ref={focusOnMount}
        autoComplete="off"
        hint="We'll send a link there to confirm it."
      />
      <PasswordField {...form.bind("password")} autoComplete="current-password" required />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" disabled={form.pending || form.locked}>
          {form.pending ? "Sending…" : "Send confirmation link"}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
