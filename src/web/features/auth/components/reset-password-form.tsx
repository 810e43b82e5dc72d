import { z } from "zod";
import { resetPasswordBodySchema } from "../../../../shared/email-token.schemas.js";
import { Button } from "../../../components/button.js";
import { FormAlert } from "../../../components/form-alert.js";
import { NewPasswordField } from "../../../components/new-password-field.js";
import { PasswordField } from "../../../components/password-field.js";
import type { ApiError } from "../../../lib/api-error.js";
import { useForm } from "../../../lib/use-form.js";
import { resetPassword } from "../api/reset-password.js";

const labels = { newPassword: "New password", confirmPassword: "Confirm new password" };

// The server's rules for the body, plus the one only a person typing twice needs.
const resetFormSchema = resetPasswordBodySchema
  .extend({ confirmPassword: z.string() })
  .refine((body) => body.confirmPassword === body.newPassword, {
    path: ["confirmPassword"],
    message: "must match the new password",
  });

function fieldErrorsFor(error: ApiError) {
  return error.code === "weak_password" ? { newPassword: error.problem.detail } : null;
}

/**
 * A new password, typed twice, for the account whose emailed link holds `token`. A link that no
 * longer works is `onLinkInvalid`'s to explain; nothing typed is sent anywhere else.
 */
export function ResetPasswordForm({
  token,
  onReset,
  onLinkInvalid,
}: {
  token: string;
  onReset(): void;
  onLinkInvalid(): void;
}) {
  const form = useForm({
    labels,
    initial: { newPassword: "", confirmPassword: "" },
    schema: resetFormSchema,
    toBody: (v) => ({ token, newPassword: v.newPassword, confirmPassword: v.confirmPassword }),
    submit: ({ token, newPassword }) => resetPassword({ token, newPassword }),
    onSuccess: onReset,
    fieldErrorsFor,
    onRefused(error) {
      if (error.code !== "token_invalid") return false;
      onLinkInvalid();
      return true;
    },
  });
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-busy={form.pending}>
      {form.alert ? <FormAlert>{form.alert}</FormAlert> : null}
      <NewPasswordField {...form.bind("newPassword")} />
      <PasswordField {...form.bind("confirmPassword")} autoComplete="new-password" required />
      <Button type="submit" className="w-full" disabled={form.pending || form.locked}>
        {form.pending ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
