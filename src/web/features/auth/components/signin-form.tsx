import { isEmailShape, signinBodySchema } from "../../../../shared/auth.schemas.js";
import { Button } from "../../../components/button.js";
import { EmailField } from "../../../components/email-field.js";
import { FormAlert } from "../../../components/form-alert.js";
import { PasswordField } from "../../../components/password-field.js";
import { paths } from "../../../config/paths.js";
import { Link } from "../../../lib/router.js";
import { useForm } from "../../../lib/use-form.js";
import { signIn } from "../api/sign-in.js";

const labels = { email: "Email", password: "Password" };

// Sign-in checks only what can be told before asking: an email-shaped address, a password typed.
// Anything else is the server's generic "Invalid email or password."
const signinFormSchema = signinBodySchema.superRefine((body, ctx) => {
  if (!isEmailShape(body.email))
    ctx.addIssue({ code: "custom", path: ["email"], message: "must be a valid email address" });
  if (body.password === "") ctx.addIssue({ code: "custom", path: ["password"], message: "is required" });
});

export function SigninForm({ onSignedIn }: { onSignedIn(): void }) {
  const form = useForm({
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
      <p className="-mt-2 text-right text-sm">
        <Link
          href={paths.forgotPassword.href()}
          className="inline-flex min-h-11 items-center font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
        >
          Forgot password?
        </Link>
      </p>
      <Button type="submit" className="w-full" disabled={form.pending || form.locked}>
        {form.pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
