import { TasksView } from "../../features/tasks/components/tasks-view.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";
import { AppShell } from "../app-shell.js";

export function TasksPage() {
  useDocumentTitle("Tasks");
  return (
    <AppShell title="Tasks">
      <TasksView />
    </AppShell>
  );
}
