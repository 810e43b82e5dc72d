import { type FormEvent, useState } from "react";
import { DESCRIPTION_MAX, priorities, TAG_MAX, TAGS_MAX, type Task } from "../../../../shared/task.schemas.js";
import { Button } from "../../../components/button.js";
import { Field, fieldIds, inputClass } from "../../../components/field.js";
import { TrashIcon } from "../../../components/icons.js";
import { SelectField } from "../../../components/select-field.js";
import { TextField } from "../../../components/text-field.js";
import type { FieldErrors } from "../../../lib/form-errors.js";
import type { TaskPatchInput } from "../api/update-task.js";
import {
  formValuesFrom,
  patchFromForm,
  type TaskFormField,
  type TaskFormValues,
  taskFormLabels,
} from "../lib/task-form.js";
import { priorityLabels } from "./priority-badge.js";

/** The fields of one task, checked with the API's rules before saving. */
export function TaskEditForm({
  task,
  draft,
  initialErrors = {},
  onSave,
  onDelete,
  onCancel,
}: {
  task: Task;
  draft?: TaskPatchInput;
  initialErrors?: FieldErrors<TaskFormField>;
  onSave(patch: TaskPatchInput): void;
  onDelete(): void;
  onCancel(): void;
}) {
  const [values, setValues] = useState<TaskFormValues>(() => formValuesFrom(task, draft));
  const [errors, setErrors] = useState<FieldErrors<TaskFormField>>(initialErrors);
  const labels = taskFormLabels;

  function change<F extends TaskFormField>(field: F, value: TaskFormValues[F]) {
    const next = { ...values, [field]: value };
    setValues(next);
    if (errors[field]) setErrors((e) => ({ ...e, [field]: patchFromForm(task, next).errors[field] }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const { patch, errors: found } = patchFromForm(task, values);
    setErrors(found);
    const invalid = (Object.keys(labels) as TaskFormField[]).find((f) => found[f]);
    if (invalid) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${invalid}"]`)?.focus();
      return;
    }
    onSave(patch);
  }

  const description = fieldIds("description", null, errors.description);
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
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
          id="due"
          label={labels.due}
          type="date"
          value={values.due}
          error={errors.due}
          onChange={(e) => change("due", e.target.value)}
        />
      </div>
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
      <div className="flex flex-col-reverse gap-2 pt-2 sm:flex-row sm:items-center">
        <Button variant="danger" onClick={onDelete} className="sm:mr-auto">
          <TrashIcon />
          Delete task
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit">Save changes</Button>
      </div>
    </form>
  );
}
