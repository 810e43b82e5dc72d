import { Dialog } from "../../../components/dialog.js";
import { useStore } from "../../../lib/create-store.js";
import { useCreateTask } from "../api/create-task.js";
import { newTaskDialog, newTaskDraft } from "../lib/task-drafts.js";
import { blankTask, createBodyFromForm, formValuesFrom } from "../lib/task-form.js";
import { TaskEditForm } from "./task-edit-form.js";

/**
 * A new task with all its fields (a due time, a repeat, reminders), opened from the new-task
 * input with what was typed there. Adding closes it at once: the list shows the task while the
 * server saves it, and a refusal offers the dialog again with everything that was filled in.
 */
export function NewTaskDialog() {
  const open = useStore(newTaskDialog);
  const create = useCreateTask();
  const close = () => newTaskDialog.set(null);

  return (
    <Dialog open={open !== null} title="New task" onClose={close}>
      {open ? (
        <TaskEditForm
          initial={formValuesFrom(blankTask(), open.body)}
          initialErrors={open.errors}
          submitLabel="Add task"
          check={(values) => createBodyFromForm(values).errors}
          onCancel={close}
          onSubmit={(values) => {
            close();
            // The title came from the one-line input: it is on its way now, not a draft any more.
            if (newTaskDraft.get().trim() === open.body.title.trim()) newTaskDraft.set("");
            create.mutate(createBodyFromForm(values).body);
          }}
        />
      ) : null}
    </Dialog>
  );
}
