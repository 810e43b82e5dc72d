import { NAME_MAX, signupBodySchema } from "../../../../shared/auth.schemas.js";
import { Button } from "../../../components/button.js";
import { EmailField } from "../../../components/email-field.js";
import { FormAlert } from "../../../components/form-alert.js";
import { NewPasswordField } from "../../../components/new-password-field.js";
import { TextField } from "../../../components/text-field.js";
import type { ApiError } from "../../../lib/api-error.js";
import { useForm } from "../../../lib/use-form.js";
import { signUp } from "../api/sign-up.js";

const labels = { name: "Name", email: "Email", password: "Password" };

/** Refusals that name a field without `errors[]`: a taken email, a common password. */
function fieldErrorsFor(error: ApiError) {
  if (error.code === "email_taken") return { email: "An account with this email already exists. Sign in instead." };
  if (error.code === "weak_password") return { password: error.problem.detail };
  return null;
}

export function SignupForm({ onSignedUp }: { onSignedUp(): void }) {
  const form = useForm({
    labels,
    initial: { name: "", email: "", password: "" },
    schema: signupBodySchema,
    toBody: (v) => ({ email: v.email, password: v.password, ...(v.name.trim() ? { name: v.name } : {}) }),
    submit: signUp,
    onSuccess: onSignedUp,
    fieldErrorsFor,
  });
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-busy={form.pending}>
      {form.alert ? <FormAlert>{form.alert}</FormAlert> : null}
      <TextField
        {...form.bind("name")}
        hint="Optional. How Taskvault greets you."
        autoComplete="name"
        maxLength={NAME_MAX * 2}
      />
      <EmailField {...form.bind("email")} />
      <NewPasswordField {...form.bind("password")} />
      <Button type="submit" className="w-full" disabled={form.pending || form.locked}>
        {form.pending ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
