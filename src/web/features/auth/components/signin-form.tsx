import { isEmailShape, signinBodySchema } from "../../../../shared/auth.schemas.js";
import { Button } from "../../../components/button.js";
import { FormAlert } from "../../../components/form-alert.js";
import { PasswordField } from "../../../components/password-field.js";
import { TextField } from "../../../components/text-field.js";
import { signIn } from "../api/sign-in.js";
import { useAuthForm } from "../hooks/use-auth-form.js";

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
      <TextField
        id="email"
        label={labels.email}
        type="email"
        autoComplete="email"
        inputMode="email"
        autoCapitalize="off"
        spellCheck={false}
        required
        value={form.values.email}
        error={form.errors.email}
        onChange={(e) => form.change("email", e.target.value)}
        onBlur={() => form.blur("email")}
      />
      <PasswordField
        id="password"
        label={labels.password}
        autoComplete="current-password"
        required
        value={form.values.password}
        error={form.errors.password}
        onChange={(e) => form.change("password", e.target.value)}
        onBlur={() => form.blur("password")}
      />
      <Button type="submit" className="w-full" disabled={form.pending || form.locked}>
        {form.pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
