import { useEffect, useMemo, useRef, useState } from "react";
import { canonicalTimeZone, profilePatchSchema } from "../../../../shared/account.schemas.js";
import { NAME_MAX, type User } from "../../../../shared/auth.schemas.js";
import { Button } from "../../../components/button.js";
import { FormAlert } from "../../../components/form-alert.js";
import { SelectField } from "../../../components/select-field.js";
import { TextField } from "../../../components/text-field.js";
import { useForm } from "../../../lib/use-form.js";
import { browserTimeZone, useUpdateProfile } from "../api/update-profile.js";
import { labelOf, timeZoneOptions } from "../lib/time-zones.js";

const labels = { name: "Name", timeZone: "Time zone" };

/** The name Taskvault greets the user by, and the time zone their days and repeats follow. */
export function ProfileForm({ user }: { user: User }) {
  const [saved, setSaved] = useState(false);
  const update = useUpdateProfile();
  const form = useForm({
    labels,
    initial: { name: user.name, timeZone: user.timeZone },
    schema: profilePatchSchema,
    toBody: (v) => ({ name: v.name, timeZone: v.timeZone }),
    submit: update,
    onSuccess: () => setSaved(true),
  });
  // A newer copy from the server (the browser's zone adopted just after sign-up, a rename on
  // another device) replaces what the form shows, unless the person is editing it.
  const shown = useRef({ name: user.name, timeZone: user.timeZone });
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the saved profile changes.
  useEffect(() => {
    const before = shown.current;
    shown.current = { name: user.name, timeZone: user.timeZone };
    if (form.values.name === before.name && form.values.timeZone === before.timeZone) form.reset();
  }, [user.name, user.timeZone]);

  const here = browserTimeZone();
  const options = useMemo(() => timeZoneOptions([user.timeZone, here ?? ""]), [user.timeZone, here]);

  function edit(field: keyof typeof labels, value: string) {
    setSaved(false);
    form.change(field, value);
  }

  const name = form.bind("name");
  const timeZone = form.bind("timeZone");
  // A saved UTC may be the default of an account made before the app sent the browser's zone, or
  // a choice: offer this device's zone, never switch it unasked.
  const suggestion = here && canonicalTimeZone(here) !== canonicalTimeZone(form.values.timeZone) ? here : null;
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-busy={form.pending}>
      {form.alert ? <FormAlert>{form.alert}</FormAlert> : null}
      <TextField
        {...name}
        onChange={(event) => edit("name", event.target.value)}
        autoComplete="name"
        maxLength={NAME_MAX * 2}
        required
      />
      <SelectField
        id={timeZone.id}
        label={timeZone.label}
        error={timeZone.error}
        value={form.values.timeZone}
        onChange={(event) => edit("timeZone", event.target.value)}
        hint={
          <>
            Due days and repeating tasks follow it.
            {suggestion ? (
              <>
                {" "}
                This device is on {labelOf(suggestion, new Date())}.{" "}
                <button
                  type="button"
                  onClick={() => edit("timeZone", suggestion)}
                  className="inline-flex min-h-11 items-center font-semibold text-indigo-700 underline underline-offset-2 dark:text-indigo-300"
                >
                  Use this device's time zone
                </button>
              </>
            ) : null}
          </>
        }
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={form.pending || form.locked}>
          {form.pending ? "Saving…" : "Save"}
        </Button>
        <p aria-live="polite" className="text-sm font-medium text-emerald-700 dark:text-emerald-300">
          {saved ? "Saved." : ""}
        </p>
      </div>
    </form>
  );
}
