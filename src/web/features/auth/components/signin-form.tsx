import { isEmailShape, signinBodySchema } from "../../../../shared/auth.schemas.js";
import { Button } from "../../../components/button.js";
import { FormAlert } from "../../../components/form-alert.js";
import { PasswordField } from "../../../components/password-field.js";
import { signIn } from "../api/sign-in.js";
import { useAuthForm } from "../hooks/use-auth-form.js";
import { EmailField } from "./email-field.js";

const labels = { email: "Email", password: "Password" };

// Sign-in checks only what can be told before asking: an email-shaped address, a password typed.
// Anything else is the server's generic "Invalid email or password."
const signinFormSchema = signinBodySchema.superRefine((body, ctx) => {
  if (!isEmailShape(body.email))
    ctx.addIssue({ code: "custom", path: ["email"], message: "must be a valid email address" });
  if (body.password === "") ctx.addIssue({ code: "custom", path: ["password"], message: "is required" });
});

export function SigninForm({ onSignedIn }: { onSignedIn(): void }) {
  const form = useAuthForm({
    labels,
    initial: { email: "", password: "" },
    schema: signinFormSchema,
    toBody: (v) => ({ email: v.email, password: v.password }),
    submit: signIn,
    onSuccess: onSignedIn,
  });
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-busy={form.pending}>
      {form.alert ? <FormAlert>{form.alert}</FormAlert> : null}
      <EmailField {...form.bind("email")} />
      <PasswordField {...form.bind("password")} autoComplete="current-password" required />
      <Button type="submit" className="w-full" disabled={form.pending || form.locked}>
        {form.pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
