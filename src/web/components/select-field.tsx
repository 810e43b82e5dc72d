import type { ReactNode, SelectHTMLAttributes } from "react";
import { Field, fieldIds, inputClass } from "./field.js";

/** A labelled native select: the platform's picker is the best one on phones. */
export function SelectField({
  id,
  label,
  hint,
  error,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & { id: string; label: string; hint?: ReactNode; error?: string }) {
  const { describedBy, invalid } = fieldIds(id, hint, error);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        name={id}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        className={`${inputClass} pr-8`}
        {...select}
      >
        {children}
      </select>
    </Field>
  );
}
