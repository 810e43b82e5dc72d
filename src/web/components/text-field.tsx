import type { InputHTMLAttributes, ReactNode, Ref } from "react";
import { Field, fieldIds, inputClass } from "./field.js";

export type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  ref?: Ref<HTMLInputElement>;
};

/** A labelled input whose error is announced with it (aria-invalid, aria-describedby). */
export function TextField({ id, label, hint, error, className = "", ...input }: TextFieldProps) {
  const { describedBy, invalid } = fieldIds(id, hint, error);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={id}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        className={`${inputClass} ${className}`}
        {...input}
      />
    </Field>
  );
}
