import { useState } from "react";
import { forgotPasswordBodySchema } from "../../../../shared/email-token.schemas.js";
import { Button } from "../../../components/button.js";
import { EmailField } from "../../../components/email-field.js";
import { FormAlert } from "../../../components/form-alert.js";
import { focusOnMount } from "../../../lib/focus-on-mount.js";
import { useForm } from "../../../lib/use-form.js";
import { requestPasswordReset } from "../api/request-password-reset.js";

const labels = { email: "Email" };

/**
 * Asks for a reset link. Whatever the server knows, the answer is the same sentence: saying more
 * would tell anyone whether an address has an account.
 */
export function ForgotPasswordForm() {
  const [sent, setSent] = useState(false);
  const form = useForm({
    labels,
    initial: { email: "" },
    schema: forgotPasswordBodySchema,
    toBody: (v) => ({ email: v.email }),
    submit: requestPasswordReset,
    onSuccess: () => setSent(true),
  });
  if (sent) {
    return (
      <div ref={focusOnMount} tabIndex={-1} className="space-y-4 focus:outline-none">
        <FormAlert tone="info">If an account exists for that address, we sent a link.</FormAlert>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          The link works once, for one hour. Nothing there after a few minutes? Check your spam folder, or try another
          address.
        </p>
        <Button variant="secondary" className="w-full" onClick={() => setSent(false)}>
          Use another address
        </Button>
      </div>
    );
  }
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-busy={form.pending}>
      {form.alert ? <FormAlert>{form.alert}</FormAlert> : null}
      <EmailField {...form.bind("email")} />
      <Button type="submit" className="w-full" disabled={form.pending || form.locked}>
        {form.pending ? "Sending…" : "Send me a link"}
      </Button>
    </form>
  );
}
