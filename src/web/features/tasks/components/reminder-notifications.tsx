import { useEffect } from "react";
import { Button } from "../../../components/button.js";
import { useStore } from "../../../lib/create-store.js";
import {
  askForNotifications,
  type NotificationAccess,
  notificationAccess,
  refreshNotificationAccess,
} from "../../../lib/notification-permission.js";

const stateText: Record<NotificationAccess, string> = {
  default: "Reminders show here, at the bottom of the page, while Taskvault is open.",
  granted: "Reminders show as this browser's notifications while Taskvault is open in a tab.",
  denied:
    "This browser blocks Taskvault's notifications, so reminders show at the bottom of the page. You can allow them in the site settings.",
  unsupported: "This browser cannot show notifications; reminders show at the bottom of the page.",
};

/** The permission, read again whenever the page is shown (site settings may have changed it). */
function useNotificationAccess(): NotificationAccess {
  useEffect(() => {
    refreshNotificationAccess();
    const onShow = () => refreshNotificationAccess();
    document.addEventListener("visibilitychange", onShow);
    return () => document.removeEventListener("visibilitychange", onShow);
  }, []);
  return useStore(notificationAccess);
}

/** Asks for notifications, on a click and never on its own; gone once the browser has an answer. */
export function AllowNotificationsButton({ className = "" }: { className?: string }) {
  const access = useNotificationAccess();
  if (access !== "default") return null;
  return (
    <Button variant="secondary" className={className} onClick={() => void askForNotifications()}>
      Allow notifications
    </Button>
  );
}

/** The account page's word on how reminders reach this browser, with the button to allow them. */
export function ReminderNotificationsSetting() {
  const access = useNotificationAccess();
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700 dark:text-slate-300" role="status">
        {stateText[access]}
      </p>
      <AllowNotificationsButton />
    </div>
  );
}
