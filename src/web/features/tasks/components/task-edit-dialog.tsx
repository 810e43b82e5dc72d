import type { Task } from "../../../../shared/task.schemas.js";
import { Dialog } from "../../../components/dialog.js";
import { useStore } from "../../../lib/create-store.js";
import { useUpdateTask } from "../api/update-task.js";
import { editDraft, editingTaskId } from "../lib/task-drafts.js";
import { formValuesFrom, patchFromForm } from "../lib/task-form.js";
import { TaskEditForm } from "./task-edit-form.js";

/**
 * The editor of the task whose id is in `editingTaskId`. Saving closes it at once (the list shows
 * the change optimistically); a failed save can reopen it with what was typed.
 */
export function TaskEditDialog({ tasks, onDelete }: { tasks: Task[]; onDelete(task: Task): void }) {
  const id = useStore(editingTaskId);
  const draft = useStore(editDraft);
  const update = useUpdateTask();
  const task = id ? tasks.find((t) => t.id === id) : undefined;
  const ownDraft = draft && task && draft.taskId === task.id ? draft : null;

  function close() {
    editingTaskId.set(null);
    editDraft.set(null);
  }

  return (
    <Dialog open={Boolean(task)} title="Edit task" onClose={close}>
      {task ? (
        <TaskEditForm
          key={`${task.id}:${ownDraft ? "draft" : "task"}`}
          initial={formValuesFrom(task, ownDraft?.patch)}
          initialErrors={ownDraft?.errors}
          submitLabel="Save changes"
          check={(values) => patchFromForm(task, values).errors}
          onCancel={close}
          onDelete={() => {
            close();
            onDelete(task);
          }}
          onSubmit={(values) => {
            close();
            const { patch } = patchFromForm(task, values);
            if (Object.keys(patch).length > 0) update.mutate({ task, patch });
          }}
        />
      ) : null}
    </Dialog>
  );
}
