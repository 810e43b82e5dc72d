/** "0", "7": the server's count less the tasks hidden while their delete can still be undone. */
export function countLabel(count: number | undefined, hidden: number): string | undefined {
  if (count === undefined) return undefined;
  return String(Math.max(0, count - hidden));
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
