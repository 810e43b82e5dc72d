import { PASSWORD_MAX, PASSWORD_MIN } from "../../shared/auth.schemas.js";
import { PasswordField } from "./password-field.js";
import type { TextFieldProps } from "./text-field.js";

/** The hint every new password gets: sign-up, reset and change say the same. */
export const NEW_PASSWORD_HINT = `${PASSWORD_MIN} to ${PASSWORD_MAX} characters. A passphrase of a few words works well.`;

/**
 * A password being chosen: the browser offers to generate and save it (`new-password`), and the
 * hint says the rules the shared schema checks (the server also refuses common passwords).
 */
export function NewPasswordField(props: Omit<TextFieldProps, "type">) {
  return <PasswordField hint={NEW_PASSWORD_HINT} autoComplete="new-password" required {...props} />;
}
