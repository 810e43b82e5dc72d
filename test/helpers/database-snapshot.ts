import { asc, eq } from "drizzle-orm";
import { sessions, tasks, users } from "../../src/server/db/schema/index.js";
import type { TestApp } from "./test-app.js";

/**
 * Users, sessions and tasks as text, read straight from the database rather than through the API
 * under test: compare two snapshots to prove that requests changed nothing. With `userId`, only
 * that user's rows; otherwise everyone's.
 */
export async function databaseSnapshot(t: Pick<TestApp, "database">, userId?: string): Promise<string> {
  const db = t.database.handle.db;
  const [userRows, sessionRows, taskRows] = await Promise.all([
    db
      .select()
      .from(users)
      .where(userId ? eq(users.id, userId) : undefined)
      .orderBy(asc(users.id)),
    db
      .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(userId ? eq(sessions.userId, userId) : undefined)
      .orderBy(asc(sessions.id)),
    db
      .select()
      .from(tasks)
      .where(userId ? eq(tasks.userId, userId) : undefined)
      .orderBy(asc(tasks.id)),
  ]);
  return JSON.stringify({ userRows, sessionRows, taskRows });
}
