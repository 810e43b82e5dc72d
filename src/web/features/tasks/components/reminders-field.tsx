import { useRef, useState } from "react";
import { MAX_REMINDERS } from "../../../../shared/recurrence.js";
import { Button } from "../../../components/button.js";
import { inputClass } from "../../../components/field.js";
import { CloseIcon } from "../../../components/icons.js";
import {
  type CustomUnit,
  customReminder,
  customUnits,
  describeReminder,
  reminderPresets,
} from "../lib/reminder-choice.js";
import { AllowNotificationsButton } from "./reminder-notifications.js";

const CUSTOM = "custom";

/**
 * Up to five reminders, shown as chips that can be removed, and added from the common presets or
 * as a custom number of minutes, hours or days before the due time.
 */
export function RemindersField({
  reminders,
  hasDue,
  error,
  onChange,
}: {
  reminders: string[];
  hasDue: boolean;
  error?: string;
  onChange(reminders: string[]): void;
}) {
  const presets = reminderPresets.filter((p) => !reminders.includes(p));
  const [choice, setChoice] = useState<string>(presets[0] ?? CUSTOM);
  const [amount, setAmount] = useState("10");
  const [unit, setUnit] = useState<CustomUnit>("minutes");
  const [customError, setCustomError] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  const full = reminders.length >= MAX_REMINDERS;
  const selected =
    choice === CUSTOM || presets.includes(choice as (typeof presets)[number]) ? choice : (presets[0] ?? CUSTOM);
  const shownError = customError ?? error;
  const hint = full
    ? `That's the most: ${MAX_REMINDERS} reminders.`
    : hasDue
      ? undefined
      : "Reminders fire once the task has a due date.";

  function add() {
    let before: string = selected;
    if (selected === CUSTOM) {
      const custom = customReminder(amount, unit);
      if (!custom.ok) {
        setCustomError(custom.error);
        return;
      }
      before = custom.before;
    }
    setCustomError(null);
    if (!reminders.includes(before)) onChange([...reminders, before]);
    const left = presets.filter((p) => p !== before);
    if (selected !== CUSTOM) setChoice(left[0] ?? CUSTOM);
  }

  function remove(index: number) {
    onChange(reminders.filter((_, i) => i !== index));
    // Focus stays in the list (on the next chip, or the previous) or goes to the adder.
    requestAnimationFrame(() => {
      const buttons = list.current?.querySelectorAll<HTMLElement>("button");
      const next = buttons?.[Math.min(index, buttons.length - 1)] ?? document.getElementById("reminder-add");
      next?.focus();
    });
  }

  return (
    <fieldset className="space-y-2" aria-describedby={hint ? "reminders-hint" : undefined}>
      <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Reminders</legend>
      {reminders.length > 0 ? (
        <ul ref={list} className="flex flex-wrap gap-1.5" aria-label="Reminders set">
          {reminders.map((before, i) => (
            <li
              key={before}
              className="inline-flex min-h-11 items-center rounded-full bg-indigo-50 pl-3 text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
            >
              {describeReminder(before)}
              <button
                type="button"
                onClick={() => remove(i)}
                aria-label={`Remove reminder: ${describeReminder(before)}`}
                title="Remove"
                className="inline-flex size-11 items-center justify-center rounded-full hover:bg-indigo-100 dark:hover:bg-indigo-900"
              >
                <CloseIcon className="size-4" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {full ? null : (
        <div className="flex flex-wrap gap-2">
          <label htmlFor="reminder-add" className="sr-only">
            Add a reminder
          </label>
          <select
            id="reminder-add"
            name="reminders"
            value={selected}
            onChange={(e) => {
              setChoice(e.target.value);
              setCustomError(null);
            }}
            className={`${inputClass} w-auto min-w-0 flex-1 pr-8`}
          >
            {presets.map((p) => (
              <option key={p} value={p}>
                {describeReminder(p)}
              </option>
            ))}
            <option value={CUSTOM}>Custom…</option>
          </select>
          {selected === CUSTOM ? (
            <div className="flex basis-full gap-2 sm:basis-auto">
              <input
                id="reminder-amount"
                aria-label="How long before"
                aria-invalid={customError ? true : undefined}
                aria-describedby={customError ? "reminders-error" : undefined}
                type="number"
                inputMode="numeric"
                min={0}
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
                onKeyDown={(e) => {
                  // Enter adds this reminder; it must not save the whole dialog half-done.
                  if (e.key === "Enter") {
                    e.preventDefault();
                    add();
                  }
                }}
                className={`${inputClass} w-20 shrink-0`}
              />
              <select
                id="reminder-unit"
                aria-label="Unit before the due time"
                value={unit}
                onChange={(e) => setUnit(e.target.value as CustomUnit)}
                className={`${inputClass} w-auto min-w-0 flex-1 pr-8`}
              >
                {customUnits.map((u) => (
                  <option key={u} value={u}>
                    {u} before
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <Button variant="secondary" onClick={add}>
            Add reminder
          </Button>
        </div>
      )}
      {shownError ? (
        <p id="reminders-error" className="text-sm font-medium text-red-700 dark:text-red-300">
          {shownError}
        </p>
      ) : null}
      {reminders.length > 0 ? <AllowNotificationsButton /> : null}
      {hint ? (
        <p id="reminders-hint" className="text-sm text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
    </fieldset>
  );
}
