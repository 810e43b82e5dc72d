import { type FormEvent, type Ref, useState } from "react";
import { titleSchema } from "../../../../shared/task.schemas.js";
import { IconButton } from "../../../components/button.js";
import { DetailsIcon, PlusIcon } from "../../../components/icons.js";
import { useStore } from "../../../lib/create-store.js";
import { useCreateTask } from "../api/create-task.js";
import { newTaskDialog, newTaskDraft } from "../lib/task-drafts.js";

/**
 * One input to add a task: type, press Enter. The field is ready for the next one at once. The
 * details button opens the dialog with what was typed, for a due time, a repeat or reminders.
 */
export function NewTaskForm({ inputRef }: { inputRef?: Ref<HTMLInputElement> }) {
  const draft = useStore(newTaskDraft);
  const [error, setError] = useState<string | null>(null);
  const create = useCreateTask();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (draft.trim() === "") return;
    const parsed = titleSchema.safeParse(draft);
    if (!parsed.success) {
      setError(`Title ${parsed.error.issues[0]?.message ?? "is not valid"}.`);
      return;
    }
    setError(null);
    newTaskDraft.set("");
    create.mutate({ title: parsed.data });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-1.5" aria-label="Add a task">
      <div className="flex gap-2">
        <label htmlFor="new-task" className="sr-only">
          New task
        </label>
        <input
          ref={inputRef}
          id="new-task"
          name="title"
          autoComplete="off"
          enterKeyHint="done"
          placeholder="Add a task…"
          aria-keyshortcuts="n"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "new-task-error" : undefined}
          value={draft}
          onChange={(e) => {
            newTaskDraft.set(e.target.value);
            if (error) setError(null);
          }}
          className="block min-h-12 w-full min-w-0 flex-1 rounded-xl border border-slate-300 bg-white px-4 text-base text-slate-900 shadow-sm placeholder:text-slate-500 aria-invalid:border-red-600 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400"
        />
        <button
          type="submit"
          className="inline-flex min-h-12 shrink-0 items-center gap-1.5 rounded-xl bg-indigo-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-indigo-700 dark:bg-indigo-400 dark:text-slate-950 dark:hover:bg-indigo-300"
        >
          <PlusIcon />
          <span>Add</span>
        </button>
        <IconButton
          label="Add with details"
          onClick={() => newTaskDialog.set({ body: { title: draft.trim() }, errors: {} })}
          className="min-h-12 rounded-xl border border-slate-300 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900"
        >
          <DetailsIcon />
        </IconButton>
      </div>
      {error ? (
        <p id="new-task-error" className="text-sm font-medium text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </form>
  );
}
