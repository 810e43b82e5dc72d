import { useState } from "react";
import { Field, fieldIds, inputClass } from "./field.js";
import { EyeIcon, EyeOffIcon } from "./icons.js";
import type { TextFieldProps } from "./text-field.js";

/** A password input with a show/hide toggle; the toggle never submits and keeps the value. */
export function PasswordField({ id, label, hint, error, ...input }: Omit<TextFieldProps, "type">) {
  const [visible, setVisible] = useState(false);
  const { describedBy, invalid } = fieldIds(id, hint, error);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <div className="relative">
        <input
          id={id}
          name={id}
          type={visible ? "text" : "password"}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          className={`${inputClass} pr-12`}
          {...input}
        />
        <button
          type="button"
          onClick={() => setVisible((v) => !v)}
          aria-controls={id}
          aria-pressed={visible}
          aria-label={visible ? "Hide password" : "Show password"}
          title={visible ? "Hide password" : "Show password"}
          className="absolute inset-y-0 right-0 inline-flex w-11 items-center justify-center rounded-r-lg text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
        >
          {visible ? <EyeOffIcon /> : <EyeIcon />}
        </button>
      </div>
    </Field>
  );
}
