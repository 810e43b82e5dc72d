import { type ChangeEvent, type FormEvent, useEffect, useState } from "react";
import type { z } from "zod";
import { ApiError, NetworkError } from "../../../lib/api-error.js";
import { type FieldErrors, fieldErrorsFromIssues, fieldErrorsFromProblem } from "../../../lib/form-errors.js";

export interface AuthFormOptions<F extends string, S extends z.ZodType> {
  labels: Record<F, string>;
  initial: Record<F, string>;
  /** The shared schema the server validates with: the form checks the same rules first. */
  schema: S;
  /** Builds the request body from the typed values (e.g. drops an empty optional name). */
  toBody(values: Record<F, string>): unknown;
  submit(body: z.input<S>): Promise<unknown>;
  onSuccess(): void;
  /** Turns a refusal the form knows (a taken email, a weak password) into field errors. */
  fieldErrorsFor?(error: ApiError): FieldErrors<F> | null;
}

/**
 * State and rules of an auth form: inline validation on blur and after a first submit, the
 * server's problem details beside the field they name, a generic message for wrong credentials,
 * and a lock with a countdown after 429. Typed values are never cleared by a failure.
 */
export function useAuthForm<F extends string, S extends z.ZodType>(options: AuthFormOptions<F, S>) {
  const { labels, schema } = options;
  const [values, setValues] = useState(options.initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const retryAt = useRetryAt();

  function validate(next: Record<F, string>): FieldErrors<F> {
    const result = schema.safeParse(options.toBody(next));
    return result.success ? {} : fieldErrorsFromIssues(result.error, labels);
  }

  function change(field: F, value: string) {
    const next = { ...values, [field]: value };
    setValues(next);
    if (submitted || errors[field]) setErrors((e) => ({ ...e, [field]: validate(next)[field] }));
  }

  function blur(field: F) {
    if (values[field] === "") return;
    setErrors((e) => ({ ...e, [field]: validate(values)[field] }));
  }

  /** What a field's input needs from the form: its value and error, and where its edits go. */
  function bind(field: F) {
    return {
      id: field,
      label: labels[field],
      value: values[field],
      error: errors[field],
      onChange: (event: ChangeEvent<HTMLInputElement>) => change(field, event.target.value),
      onBlur: () => blur(field),
    };
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending || retryAt.locked) return;
    setSubmitted(true);
    setAlert(null);
    const found = validate(values);
    setErrors(found);
    const firstInvalid = (Object.keys(labels) as F[]).find((f) => found[f]);
    if (firstInvalid) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${firstInvalid}"]`)?.focus();
      return;
    }
    setPending(true);
    try {
      await options.submit(options.toBody(values) as z.input<S>);
      options.onSuccess();
    } catch (error) {
      reportFailure(error);
    } finally {
      setPending(false);
    }
  }

  function reportFailure(error: unknown) {
    if (error instanceof NetworkError) {
      setAlert("Can't reach Taskvault. Check your connection and try again.");
      return;
    }
    if (!(error instanceof ApiError)) {
      setAlert("Something went wrong. Try again.");
      return;
    }
    if (error.code === "invalid_credentials") {
      setAlert("Invalid email or password.");
    } else if (error.code === "rate_limited") {
      retryAt.lockFor(error.retryAfterSeconds ?? 60);
    } else {
      const known = options.fieldErrorsFor?.(error);
      const { fields, rest } = fieldErrorsFromProblem(error, labels);
      const placed = { ...fields, ...known };
      setErrors(placed);
      if (Object.keys(placed).length === 0 || rest.length > 0) setAlert(rest.join(" ") || error.problem.detail);
    }
  }

  const rateLimitMessage = retryAt.locked
    ? `Too many attempts. Try again in ${formatWait(retryAt.secondsLeft)}${retryAt.clock ? ` (at ${retryAt.clock})` : ""}.`
    : null;

  return {
    values,
    errors,
    alert: rateLimitMessage ?? alert,
    pending,
    locked: retryAt.locked,
    change,
    blur,
    bind,
    onSubmit,
  };
}

/** When the server allows the next attempt, counting down once a second. */
function useRetryAt() {
  const [until, setUntil] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (until === null) return;
    const tick = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= until) setUntil(null);
    }, 1000);
    return () => clearInterval(tick);
  }, [until]);
  const secondsLeft = until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
  return {
    locked: until !== null && secondsLeft > 0,
    secondsLeft,
    clock: until === null ? null : new Date(until).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }),
    lockFor(seconds: number) {
      const at = Date.now() + seconds * 1000;
      setNow(Date.now());
      setUntil(at);
    },
  };
}

/** "45 seconds", "1 minute", "14 minutes". */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
