import { and, eq, gt } from "drizzle-orm";
import type { User } from "../../shared/auth.schemas.js";
import { isStorableText } from "../../shared/text.js";
import type { Database } from "../db/client.js";
import { sessions, users } from "../db/schema/index.js";

export interface SessionRow {
  id: string;
  userId: string;
  expiresAt: Date;
}

/** A live (unexpired) session by its token, the refresh token. */
export async function findLiveSessionByToken(db: Database, token: string): Promise<SessionRow | undefined> {
  // A string PostgreSQL cannot hold as text (NUL, a lone surrogate) is no session's token; sent
  // as a query parameter, NUL would fail the query instead.
  if (!isStorableText(token)) return undefined;
  const [row] = await db
    .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.token, token), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return row;
}

export async function extendSession(db: Database, sessionId: string, expiresAt: Date): Promise<void> {
  await db.update(sessions).set({ expiresAt, updatedAt: new Date() }).where(eq(sessions.id, sessionId));
}

/** Deletes a session; returns false when it no longer existed. */
export async function deleteSession(db: Pick<Database, "delete">, sessionId: string): Promise<boolean> {
  const deleted = await db.delete(sessions).where(eq(sessions.id, sessionId)).returning({ id: sessions.id });
  return deleted.length > 0;
}

export async function findUserById(db: Database, userId: string): Promise<User | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      emailVerified: users.emailVerified,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ? toUser(row) : undefined;
}

/** The public view of a user: never a hash or any other secret. */
export function toUser(row: {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  createdAt: Date | string;
}): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.emailVerified,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
