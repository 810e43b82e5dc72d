import { useState } from "react";
import { frequencies, MAX_INTERVAL, type RecurrenceFrom, weekdays } from "../../../../shared/recurrence.js";
import { inputClass } from "../../../components/field.js";
import { SelectField } from "../../../components/select-field.js";
import { describeRecurrence, weekdayNames } from "../lib/recurrence-words.js";
import {
  buildRecurrence,
  defaultWeeklyDays,
  type RepeatKind,
  type RepeatValues,
  repeatKinds,
  repeatLabel,
  unitLabels,
} from "../lib/repeat-choice.js";

/** A choice drawn as a pill around a visually hidden native input: keyboard and screen readers as usual. */
const pillClass =
  "relative inline-flex min-h-11 cursor-pointer items-center justify-center rounded-full border border-slate-300 text-sm font-medium text-slate-700 has-checked:border-indigo-600 has-checked:bg-indigo-600 has-checked:text-white has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-indigo-600 dark:border-slate-600 dark:text-slate-200 dark:has-checked:border-indigo-400 dark:has-checked:bg-indigo-400 dark:has-checked:text-slate-950";

const fromChoices: { value: RecurrenceFrom; label: string }[] = [
  { value: "due", label: "On schedule" },
  { value: "completion", label: "Counted from completion" },
];

/**
 * The "Repeat" control: the common choices in one native select (the platform's picker is the
 * best on a phone), then what the choice needs (days of the week, a custom interval) and whether
 * the next one follows the schedule or the completion. The hint says the rule in words as it
 * will be saved.
 */
export function RepeatField({
  values,
  dueDay,
  error,
  onChange,
}: {
  values: RepeatValues;
  dueDay: string;
  error?: string;
  onChange(values: RepeatValues): void;
}) {
  // A rule set elsewhere stays on offer, as it was, for as long as the dialog is open.
  const [keepable] = useState(values.kind === "keep");
  const kinds = repeatKinds.filter((kind) => kind !== "keep" || keepable);
  const built = buildRecurrence(values, dueDay);
  const hint =
    values.kind === "none"
      ? undefined
      : built.ok
        ? built.recurrence && `Repeats: ${describeRecurrence(built.recurrence)}.`
        : error
          ? undefined
          : `${built.error}.`;

  function choose(kind: RepeatKind) {
    const days = kind === "weekly" && values.days.length === 0 ? defaultWeeklyDays(dueDay) : values.days;
    onChange({ ...values, kind, days });
  }

  return (
    <div className="space-y-3">
      <SelectField
        id="repeat"
        label="Repeat"
        value={values.kind}
        error={error}
        hint={hint}
        onChange={(e) => choose(e.target.value as RepeatKind)}
      >
        {kinds.map((kind) => (
          <option key={kind} value={kind}>
            {repeatLabel(kind, dueDay, values.kept)}
          </option>
        ))}
      </SelectField>
      {values.kind === "weekly" ? <WeekdayPicker values={values} onChange={onChange} /> : null}
      {values.kind === "custom" ? <CustomInterval values={values} onChange={onChange} /> : null}
      {values.kind !== "none" ? (
        <fieldset>
          <legend className="mb-1.5 text-sm font-medium text-slate-800 dark:text-slate-200">Next one is</legend>
          <div className="flex flex-wrap gap-1.5">
            {fromChoices.map((choice) => (
              <label key={choice.value} className={`${pillClass} px-3.5`}>
                <input
                  type="radio"
                  name="repeat-from"
                  value={choice.value}
                  checked={values.from === choice.value}
                  onChange={() => onChange({ ...values, from: choice.value })}
                  className="sr-only"
                />
                {choice.label}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
    </div>
  );
}

function WeekdayPicker({ values, onChange }: { values: RepeatValues; onChange(values: RepeatValues): void }) {
  return (
    <fieldset>
      <legend className="mb-1.5 text-sm font-medium text-slate-800 dark:text-slate-200">On these days</legend>
      <div className="flex flex-wrap gap-1.5">
        {weekdays.map((day) => {
          const on = values.days.includes(day);
          return (
            <label key={day} className={`${pillClass} w-11`}>
              <input
                type="checkbox"
                className="sr-only"
                checked={on}
                onChange={() =>
                  onChange({ ...values, days: on ? values.days.filter((d) => d !== day) : [...values.days, day] })
                }
              />
              <span aria-hidden="true">{weekdayNames[day].slice(0, 2)}</span>
              <span className="sr-only">{weekdayNames[day]}</span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

function CustomInterval({ values, onChange }: { values: RepeatValues; onChange(values: RepeatValues): void }) {
  const count = Number(values.every) === 1 ? "one" : "many";
  return (
    <fieldset>
      <legend className="mb-1.5 text-sm font-medium text-slate-800 dark:text-slate-200">Repeat every</legend>
      <div className="flex gap-2">
        <input
          id="repeat-every"
          aria-label="How many"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_INTERVAL}
          value={values.every}
          onChange={(e) => onChange({ ...values, every: e.target.value })}
          className={`${inputClass} w-24 shrink-0`}
        />
        <select
          id="repeat-unit"
          aria-label="Unit"
          value={values.unit}
          onChange={(e) => onChange({ ...values, unit: e.target.value as RepeatValues["unit"] })}
          className={`${inputClass} pr-8`}
        >
          {frequencies.map((unit) => (
            <option key={unit} value={unit}>
              {unitLabels[unit][count]}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
