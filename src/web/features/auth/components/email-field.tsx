import { TextField, type TextFieldProps } from "../../../components/text-field.js";

/** The email input of the auth forms: the right keyboard, no autocorrection, required. */
export function EmailField(props: TextFieldProps) {
  return (
    <TextField
      type="email"
      autoComplete="email"
      inputMode="email"
      autoCapitalize="off"
      spellCheck={false}
      required
      {...props}
    />
  );
}
