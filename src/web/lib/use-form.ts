import { type ChangeEvent, type FormEvent, useEffect, useState } from "react";
import type { z } from "zod";
import { ApiError, NetworkError } from "./api-error.js";
import { type FieldErrors, fieldErrorsFromIssues, fieldErrorsFromProblem } from "./form-errors.js";

export interface FormOptions<F extends string, S extends z.ZodType, R> {
  labels: Record<F, string>;
  initial: Record<F, string>;
  /**
   * Prefixes the inputs' ids and names, for a page with two forms that share a field name (the
   * password of "Change email" and of "Delete account"). The field keys stay the body's.
   */
  idPrefix?: string;
  /** The shared schema the server validates with: the form checks the same rules first. */
  schema: S;
  /** Builds the request body from the typed values (e.g. drops an empty optional name). */
  toBody(values: Record<F, string>): unknown;
  submit(body: z.input<S>): Promise<R>;
  /** After the server accepted: its answer, and the body that was sent. */
  onSuccess(result: R, body: z.input<S>): void;
  /** Turns a refusal the form knows (a taken email, a weak password) into field errors. */
  fieldErrorsFor?(error: ApiError): FieldErrors<F> | null;
  /** A refusal the form shows its own way (an expired link): return true and the hook shows nothing. */
  onRefused?(error: ApiError): boolean;
}

/**
 * State and rules of a form that sends one request (sign-up, sign-in, the account's forms):
 * inline validation with the shared schema on blur and after a first submit, the server's problem
 * details beside the field they name, a generic message for wrong credentials, and a lock with a
 * countdown after 429. Typed values are never cleared by a failure.
 */
export function useForm<F extends string, S extends z.ZodType, R = unknown>(options: FormOptions<F, S, R>) {
  const { labels, schema, idPrefix = "" } = options;
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
      id: `${idPrefix}${field}`,
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
      event.currentTarget.querySelector<HTMLElement>(`[name="${idPrefix}${firstInvalid}"]`)?.focus();
      return;
    }
    setPending(true);
    try {
      const body = options.toBody(values) as z.input<S>;
      const result = await options.submit(body);
      options.onSuccess(result, body);
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
    if (options.onRefused?.(error)) return;
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

  /** Back to the initial values, with no errors shown (after a success that leaves the form on screen). */
  function reset() {
    setValues(options.initial);
    setErrors({});
    setAlert(null);
    setSubmitted(false);
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
    reset,
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
