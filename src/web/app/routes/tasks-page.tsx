import { VerifyEmailBanner } from "../../features/account/components/verify-email-banner.js";
import { TasksView } from "../../features/tasks/components/tasks-view.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";
import { AppShell } from "../app-shell.js";

export function TasksPage() {
  useDocumentTitle("Tasks");
  return (
    <AppShell title="Tasks">
      <VerifyEmailBanner />
      <TasksView />
    </AppShell>
  );
}
