import { type ReactNode, useState } from "react";
import type { AccountSession } from "../../../../shared/account.schemas.js";
import { Button } from "../../../components/button.js";
import { FormAlert } from "../../../components/form-alert.js";
import { Spinner } from "../../../components/spinner.js";
import { describeError } from "../../../lib/api-error.js";
import { useEndSessions, useSessions } from "../api/sessions.js";
import { fullTime, relativeTime } from "../lib/relative-time.js";

/**
 * Every device signed in to the account: what it is, roughly where (the masked address), when it
 * was last used. Each other device can be signed out, or all of them at once; this device's own
 * way out is `thisDeviceAction` (the app's sign-out, which also tells this browser's other tabs).
 */
export function DevicesList({ thisDeviceAction }: { thisDeviceAction: ReactNode }) {
  const sessions = useSessions();
  const end = useEndSessions();
  const [notice, setNotice] = useState<string | null>(null);

  if (sessions.isPending) return <Spinner label="Loading your devices…" />;
  if (sessions.isError) {
    return (
      <div className="space-y-3">
        <FormAlert>Couldn't load your devices. {describeError(sessions.error)}</FormAlert>
        <Button variant="secondary" onClick={() => void sessions.refetch()}>
          Try again
        </Button>
      </div>
    );
  }

  const others = sessions.data.filter((s) => !s.current).length;
  function signOut(id?: string) {
    setNotice(null);
    end.mutate(id, {
      onSuccess: () => setNotice(id === undefined ? "Signed out on every other device." : "Signed out on that device."),
    });
  }
  return (
    <div className="space-y-4">
      {end.isError ? <FormAlert>Couldn't sign out: {describeError(end.error)}</FormAlert> : null}
      <ul aria-label="Signed-in devices" className="divide-y divide-slate-200 dark:divide-slate-800">
        {sessions.data.map((device) => (
          <DeviceRow
            key={device.id}
            device={device}
            action={
              device.current ? (
                thisDeviceAction
              ) : (
                <Button variant="secondary" onClick={() => signOut(device.id)}>
                  Sign out<span className="sr-only"> {deviceName(device)}</span>
                </Button>
              )
            }
          />
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        {others > 0 ? (
          <Button variant="secondary" disabled={end.isPending} onClick={() => signOut()}>
            Sign out everywhere else
          </Button>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">You're not signed in anywhere else.</p>
        )}
        <p aria-live="polite" className="text-sm font-medium text-emerald-700 dark:text-emerald-300">
          {notice ?? ""}
        </p>
      </div>
    </div>
  );
}

function deviceName(device: AccountSession): string {
  return device.userAgent ?? "Unknown device";
}

function DeviceRow({ device, action }: { device: AccountSession; action: ReactNode }) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3">
      <div className="min-w-0 flex-1 basis-48">
        <p className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-900 dark:text-slate-100">
          <span className="break-words">{deviceName(device)}</span>
          {device.current ? (
            <span className="rounded-full bg-indigo-100 px-2 py-0.5 text-xs font-semibold text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100">
              This device
            </span>
          ) : null}
        </p>
        <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
          {device.ipAddress ? <span className="break-all">From {device.ipAddress}</span> : "Place unknown"} · Last used{" "}
          <time dateTime={device.lastUsedAt} title={fullTime(device.lastUsedAt)}>
            {device.current ? "now" : relativeTime(device.lastUsedAt)}
          </time>
        </p>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Signed in <time dateTime={device.createdAt}>{fullTime(device.createdAt)}</time>
        </p>
      </div>
      <div className="shrink-0">{action}</div>
    </li>
  );
}
