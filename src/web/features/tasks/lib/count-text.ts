import type { TaskCount } from "../api/count-tasks.js";

/** "0", "7", "1000+". */
export function countLabel(count: TaskCount | undefined, hidden: number): string | undefined {
  if (!count) return undefined;
  return count.capped ? `${count.count}+` : String(Math.max(0, count.count - hidden));
}

/** "Nothing left to do", "1 task left to do", "12 tasks left to do". */
export function pendingSentence(label: string | undefined): string {
  if (label === undefined) return "";
  if (label === "0") return "Nothing left to do";
  return `${label} ${label === "1" ? "task" : "tasks"} left to do`;
}

/** "none completed", "1 completed", "5 completed". */
export function completedSentence(label: string | undefined): string {
  if (label === undefined) return "";
  return label === "0" ? "none completed yet" : `${label} completed`;
}
