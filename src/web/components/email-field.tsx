import { TextField, type TextFieldProps } from "./text-field.js";

/** The email input of a form: the right keyboard, no autocorrection, required. */
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
