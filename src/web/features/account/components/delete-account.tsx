import { useState } from "react";
import { z } from "zod";
import { deleteAccountBodySchema } from "../../../../shared/account.schemas.js";
import type { User } from "../../../../shared/auth.schemas.js";
import { Button } from "../../../components/button.js";
import { Dialog } from "../../../components/dialog.js";
import { FormAlert } from "../../../components/form-alert.js";
import { PasswordField } from "../../../components/password-field.js";
import { TextField } from "../../../components/text-field.js";
import type { ApiError } from "../../../lib/api-error.js";
import { useForm } from "../../../lib/use-form.js";
import { deleteAccount } from "../api/delete-account.js";

const labels = { password: "Password", confirmEmail: "Your email address" };

function fieldErrorsFor(error: ApiError) {
  return error.code === "wrong_password" ? { password: "That is not your password." } : null;
}

/**
 * "Delete account…" and the dialog that does it: the password, and the address typed out, so that
 * neither a slip nor someone at an unlocked screen can do it. `onDeleted` runs once the server has
 * deleted everything.
 */
export function DeleteAccount({ user, onDeleted }: { user: User; onDeleted(): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete account…
      </Button>
      <Dialog open={open} title="Delete your account?" onClose={() => setOpen(false)}>
        <DeleteAccountForm user={user} onDeleted={onDeleted} onCancel={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function DeleteAccountForm({ user, onDeleted, onCancel }: { user: User; onDeleted(): void; onCancel(): void }) {
  const schema = deleteAccountBodySchema.extend({ confirmEmail: z.string() }).superRefine((body, ctx) => {
    if (body.password === "") ctx.addIssue({ code: "custom", path: ["password"], message: "is required" });
    if (body.confirmEmail.trim().toLowerCase() !== user.email.toLowerCase())
      ctx.addIssue({ code: "custom", path: ["confirmEmail"], message: `must be ${user.email}` });
  });
  const form = useForm({
    labels,
    idPrefix: "delete-account-",
    initial: { password: "", confirmEmail: "" },
    schema,
    toBody: (v) => ({ password: v.password, confirmEmail: v.confirmEmail }),
    submit: ({ password }) => deleteAccount({ password }),
    onSuccess: onDeleted,
    fieldErrorsFor,
  });
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-busy={form.pending}>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Your tasks, your devices and your account are deleted at once, for good, and every device is signed out.
        Download your data first if you want to keep it.
      </p>
      {form.alert ? <FormAlert>{form.alert}</FormAlert> : null}
      <PasswordField {...form.bind("password")} autoComplete="current-password" required data-autofocus />
      <TextField
        {...form.bind("confirmEmail")}
        hint={
          <>
            Type <strong className="break-all">{user.email}</strong> to confirm.
          </>
        }
        type="email"
        inputMode="email"
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        required
      />
      <div className="flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" disabled={form.pending || form.locked}>
          {form.pending ? "Deleting…" : "Delete my account"}
        </Button>
      </div>
    </form>
  );
}
