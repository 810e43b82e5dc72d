import { type FormEvent, useState } from "react";
import { DESCRIPTION_MAX, priorities, TAG_MAX, TAGS_MAX } from "../../../../shared/task.schemas.js";
import { Button } from "../../../components/button.js";
import { Field, fieldIds, inputClass } from "../../../components/field.js";
import { TrashIcon } from "../../../components/icons.js";
import { SelectField } from "../../../components/select-field.js";
import { TextField } from "../../../components/text-field.js";
import type { FieldErrors } from "../../../lib/form-errors.js";
import { type TaskFormField, type TaskFormValues, taskFormLabels } from "../lib/task-form.js";
import { priorityLabels } from "./priority-badge.js";
import { RemindersField } from "./reminders-field.js";
import { RepeatField } from "./repeat-field.js";

const dueFields: TaskFormField[] = ["due", "time", "repeat"];

/**
 * The fields of one task, new or existing, checked with the API's rules before saving: `check`
 * says what is wrong with the values (nothing, to save), `onSubmit` saves them.
 */
export function TaskEditForm({
  initial,
  initialErrors = {},
  submitLabel,
  check,
  onSubmit,
  onDelete,
  onCancel,
}: {
  initial: TaskFormValues;
  initialErrors?: FieldErrors<TaskFormField>;
  submitLabel: string;
  check(values: TaskFormValues): FieldErrors<TaskFormField>;
  onSubmit(values: TaskFormValues): void;
  onDelete?(): void;
  onCancel(): void;
}) {
  const [values, setValues] = useState<TaskFormValues>(initial);
  const [errors, setErrors] = useState<FieldErrors<TaskFormField>>(initialErrors);
  const labels = taskFormLabels;

  function change<F extends TaskFormField>(field: F, value: TaskFormValues[F]) {
    const next = { ...values, [field]: value };
    setValues(next);
    // The due day decides whether the time and the repeat are valid: those are rechecked together.
    const related = dueFields.includes(field) ? dueFields : [field];
    if (related.some((f) => errors[f])) {
      const found = check(next);
      setErrors((e) => ({ ...e, ...Object.fromEntries(related.filter((f) => e[f]).map((f) => [f, found[f]])) }));
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = check(values);
    setErrors(found);
    const invalid = (Object.keys(labels) as TaskFormField[]).find((f) => found[f]);
    if (invalid) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${invalid}"]`)?.focus();
      return;
    }
    onSubmit(values);
  }

  const description = fieldIds("description", null, errors.description);
  return (
    <form noValidate onSubmit={submit} className="space-y-4">
      <TextField
        id="title"
        label={labels.title}
        required
        data-autofocus
        autoComplete="off"
        value={values.title}
        error={errors.title}
        onChange={(e) => change("title", e.target.value)}
      />
      <Field id="description" label={labels.description} error={errors.description}>
        <textarea
          id="description"
          name="description"
          rows={3}
          aria-invalid={description.invalid}
          aria-describedby={description.describedBy}
          placeholder={`Notes, links, details (up to ${DESCRIPTION_MAX} characters)`}
          value={values.description}
          onChange={(e) => change("description", e.target.value)}
          className={`${inputClass} resize-y`}
        />
      </Field>
      <div className="grid grid-cols-[minmax(0,1fr)_minmax(0,9rem)] items-start gap-3">
        <TextField
          id="due"
          label={labels.due}
          type="date"
          value={values.due}
          error={errors.due}
          onChange={(e) => change("due", e.target.value)}
        />
        <TextField
          id="time"
          label={labels.time}
          type="time"
          value={values.time}
          error={errors.time}
          onChange={(e) => change("time", e.target.value)}
        />
      </div>
      <RepeatField
        values={values.repeat}
        dueDay={values.due}
        error={errors.repeat}
        onChange={(repeat) => change("repeat", repeat)}
      />
      <RemindersField
        reminders={values.reminders}
        hasDue={values.due !== ""}
        error={errors.reminders}
        onChange={(reminders) => change("reminders", reminders)}
      />
      <div className="grid grid-cols-1 gap-4 min-[420px]:grid-cols-2">
        <SelectField
          id="priority"
          label={labels.priority}
          value={values.priority}
          error={errors.priority}
          onChange={(e) => change("priority", e.target.value as TaskFormValues["priority"])}
        >
          {priorities.map((p) => (
            <option key={p} value={p}>
              {priorityLabels[p]}
            </option>
          ))}
        </SelectField>
        <TextField
          id="tags"
          label={labels.tags}
          hint={`Separate with commas. Up to ${TAGS_MAX} tags of ${TAG_MAX} characters.`}
          autoComplete="off"
          autoCapitalize="off"
          placeholder="home, errands"
          value={values.tags}
          error={errors.tags}
          onChange={(e) => change("tags", e.target.value)}
        />
      </div>
      <div className="flex flex-col-reverse gap-2 pt-2 sm:flex-row sm:items-center sm:justify-end">
        {onDelete ? (
          <Button variant="danger" onClick={onDelete} className="sm:mr-auto">
            <TrashIcon />
            Delete task
          </Button>
        ) : null}
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit">{submitLabel}</Button>
      </div>
    </form>
  );
}
