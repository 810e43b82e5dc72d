import type { BrowserContext } from "playwright-core";
import type { z } from "zod";
import type { taskInputSchema } from "../../../src/shared/task.schemas.js";
import { baseURL } from "./browser.js";

/**
 * Talks to the API as the person signed in in `context`, by borrowing the browser's session
 * cookie (tests may read HttpOnly cookies; page scripts may not). Used to seed data quickly and
 * to end a session behind the page's back.
 */
export async function apiAs(context: BrowserContext) {
  const cookies = await context.cookies(`${baseURL()}/api/auth/refresh`);
  const session = cookies.find((c) => c.name.endsWith("taskvault_session"));
  if (!session) throw new Error("no session cookie in this browser context");
  const refreshed = await fetch(`${baseURL()}/api/auth/refresh`, {
    method: "POST",
    headers: { cookie: `${session.name}=${session.value}`, "content-type": "application/json" },
    body: "{}",
  });
  const { token } = (await refreshed.json()) as { token: string };
  // A refresh rotates the refresh token: hand the new one to the browser too, so that the page and
  // this helper go on with the same, current session cookie.
  const rotated = refreshed.headers.getSetCookie().find((c) => c.startsWith(`${session.name}=`));
  const value = rotated?.slice(session.name.length + 1).split(";")[0] || session.value;
  if (value !== session.value) await context.addCookies([{ ...session, value }]);
  const cookie = `${session.name}=${value}`;
  const me = (await (
    await fetch(`${baseURL()}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as {
    user: { id: string };
  };
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return {
    userId: me.user.id,
    token,
    async createTask(body: z.input<typeof taskInputSchema>) {
      const res = await fetch(`${baseURL()}/api/${me.user.id}/tasks`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`seeding a task answered ${res.status}`);
      return (await res.json()) as { id: string; title: string };
    },
    async listTasks(userId = me.user.id) {
      return fetch(`${baseURL()}/api/${userId}/tasks`, { headers: auth });
    },
    /** Ends the session on the server without telling the page (as a session expiring would). */
    async endSession() {
      const res = await fetch(`${baseURL()}/api/auth/signout`, { method: "POST", headers: { cookie } });
      if (res.status !== 204) throw new Error(`signout answered ${res.status}`);
    },
  };
}
