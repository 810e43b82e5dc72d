import { type ChangeEvent, useState } from "react";
import { changePasswordBodySchema } from "../../../../shared/account.schemas.js";
import { Button } from "../../../components/button.js";
import { FormAlert } from "../../../components/form-alert.js";
import { NewPasswordField } from "../../../components/new-password-field.js";
import { PasswordField } from "../../../components/password-field.js";
import type { ApiError } from "../../../lib/api-error.js";
import { useForm } from "../../../lib/use-form.js";
import { useChangePassword } from "../api/change-password.js";

const labels = { currentPassword: "Current password", newPassword: "New password" };

// The server checks only the type of the current password; an empty one cannot be right.
const changePasswordFormSchema = changePasswordBodySchema.refine((body) => body.currentPassword !== "", {
  path: ["currentPassword"],
  message: "is required",
});

function fieldErrorsFor(error: ApiError) {
  if (error.code === "wrong_password") return { currentPassword: "That is not your current password." };
  if (error.code === "weak_password") return { newPassword: error.problem.detail };
  return null;
}

/** Current and new password; this device stays signed in, every other one is signed out. */
export function ChangePasswordForm() {
  const [changed, setChanged] = useState(false);
  const form = useForm({
    labels,
    idPrefix: "change-password-",
    initial: { currentPassword: "", newPassword: "" },
    schema: changePasswordFormSchema,
    toBody: (v) => ({ currentPassword: v.currentPassword, newPassword: v.newPassword }),
    submit: useChangePassword(),
    onSuccess() {
      form.reset();
      setChanged(true);
    },
    fieldErrorsFor,
  });
  const edit = (field: keyof typeof labels) => {
    const bound = form.bind(field);
    return {
      ...bound,
      onChange: (event: ChangeEvent<HTMLInputElement>) => {
        setChanged(false);
        bound.onChange(event);
      },
    };
  };
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-busy={form.pending}>
      {form.alert ? <FormAlert>{form.alert}</FormAlert> : null}
      {changed ? (
        <FormAlert tone="info">
          Password changed. You're still signed in here; every other device has been signed out.
        </FormAlert>
      ) : null}
      <PasswordField {...edit("currentPassword")} autoComplete="current-password" required />
      <NewPasswordField {...edit("newPassword")} />
      <Button type="submit" disabled={form.pending || form.locked}>
        {form.pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
