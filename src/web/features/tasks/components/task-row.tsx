import { useEffect, useState } from "react";
import type { Task } from "../../../../shared/task.schemas.js";
import { IconButton } from "../../../components/button.js";
import { CheckIcon, TrashIcon } from "../../../components/icons.js";
import { isPlaceholder } from "../api/create-task.js";
import { TaskMeta } from "./task-meta.js";

/**
 * One task: a checkbox to complete it, its title (which opens the editor) and details, and a
 * delete button. A task not yet saved shows as such and cannot be changed until it is.
 */
export function TaskRow({
  task,
  onToggle,
  onEdit,
  onDelete,
}: {
  task: Task;
  onToggle(task: Task, completed: boolean): void;
  onEdit(task: Task): void;
  onDelete(task: Task): void;
}) {
  const saving = isPlaceholder(task);
  const checked = useInstantCheck(task);
  return (
    <li
      data-task-id={task.id}
      className="group flex items-start gap-1 rounded-xl border border-slate-200 bg-white py-1 pr-1 pl-1 shadow-xs dark:border-slate-800 dark:bg-slate-900"
      aria-busy={saving || undefined}
    >
      <label className="relative flex size-11 shrink-0 cursor-pointer items-center justify-center">
        <input
          type="checkbox"
          checked={checked.value}
          disabled={saving}
          onChange={(e) => {
            checked.set(e.target.checked);
            onToggle(task, e.target.checked);
          }}
          className="peer size-6 cursor-pointer appearance-none rounded-full border-2 border-slate-400 bg-white transition-colors checked:border-indigo-600 checked:bg-indigo-600 hover:border-indigo-500 disabled:opacity-40 dark:border-slate-500 dark:bg-slate-900 dark:checked:border-indigo-400 dark:checked:bg-indigo-400"
          aria-label={`Done: ${task.title}`}
        />
        <CheckIcon
          strokeWidth={3}
          className="pointer-events-none absolute hidden size-4 text-white peer-checked:block dark:text-slate-950"
        />
      </label>
      <div className="min-w-0 flex-1">
        <button
          type="button"
          data-title
          onClick={() => onEdit(task)}
          disabled={saving}
          className={`block min-h-11 w-full cursor-pointer rounded py-2.5 text-left text-[0.9375rem] leading-snug break-words disabled:cursor-default ${
            task.completed ? "text-slate-500 line-through dark:text-slate-400" : "text-slate-900 dark:text-slate-100"
          }`}
        >
          <span className="sr-only">Edit: </span>
          {task.title}
        </button>
        {/* Pulled up under the title: the title's 44 px tap target need not look like a gap. */}
        <div className="-mt-2 pb-2.5 empty:hidden">
          {task.description ? (
            <p className="line-clamp-2 text-sm break-words text-slate-600 dark:text-slate-400">{task.description}</p>
          ) : null}
          <TaskMeta task={task} />
          {saving ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Saving…</p> : null}
        </div>
      </div>
      <IconButton
        label={`Delete: ${task.title}`}
        onClick={() => onDelete(task)}
        disabled={saving}
        className="text-slate-500 hover:text-red-700 disabled:opacity-40 dark:text-slate-400 dark:hover:text-red-300"
      >
        <TrashIcon />
      </IconButton>
    </li>
  );
}

/**
 * The checkbox answers in the same frame as the click: the optimistic update reaches the cache a
 * moment later (after pending reads are cancelled), and from then on the cache decides again,
 * rollback included.
 */
function useInstantCheck(task: Task) {
  const [clicked, setClicked] = useState<{ from: Task; completed: boolean } | null>(null);
  useEffect(() => {
    if (clicked && clicked.from !== task) setClicked(null);
  }, [clicked, task]);
  return {
    value: clicked && clicked.from === task ? clicked.completed : task.completed,
    set: (completed: boolean) => setClicked({ from: task, completed }),
  };
}
