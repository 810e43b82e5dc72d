import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { ProfilePatch } from "../../shared/account.schemas.js";
import type { User } from "../../shared/auth.schemas.js";
import { isStorableText } from "../../shared/text.js";
import { liveAt, toUser } from "../auth/sessions.repo.js";
import type { Database } from "../db/client.js";
import { accounts, sessions, users } from "../db/schema/index.js";

/** A database or a transaction: what every write below runs on. */
export type Executor = Pick<Database, "select" | "update" | "delete" | "insert" | "execute">;

/** Better Auth's provider id for the email-and-password account that holds the hash. */
const CREDENTIAL_PROVIDER = "credential";

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  emailVerified: users.emailVerified,
  createdAt: users.createdAt,
  timeZone: users.timeZone,
};

export interface StoredSession {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ipAddress: string | null;
}

/** The given profile fields; the user unchanged when none is given; undefined when the user is gone. */
export async function updateProfile(db: Database, userId: string, patch: ProfilePatch): Promise<User | undefined> {
  const changes = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.timeZone !== undefined ? { timeZone: patch.timeZone } : {}),
  };
  const [row] =
    Object.keys(changes).length === 0
      ? await db.select(userColumns).from(users).where(eq(users.id, userId))
      : await db
          .update(users)
          .set({ ...changes, updatedAt: sql`now()` })
          .where(eq(users.id, userId))
          .returning(userColumns);
  return row ? toUser(row) : undefined;
}

/** The user's time zone, their row locked to the end of the transaction; undefined when the user is gone. */
export async function lockTimeZone(tx: Executor, userId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ timeZone: users.timeZone })
    .from(users)
    .where(eq(users.id, userId))
    .for("no key update");
  return row?.timeZone;
}

/** Whether the session still exists, belongs to the user and has not reached either of its ends. */
export async function isSessionLive(db: Database, userId: string, sessionId: string, maxAge: number) {
  const [row] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), liveAt(maxAge)))
    .limit(1);
  return row !== undefined;
}

/** The user's password hash (argon2id PHC string), which never leaves this module's callers. */
export async function findPasswordHash(db: Database, userId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ password: accounts.password })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, CREDENTIAL_PROVIDER)))
    .limit(1);
  return row?.password ?? undefined;
}

/**
 * Sets the password hash and deletes every session of the user but `keepSessionId`, returning
 * the ids of the deleted ones (the sessions trigger records each as revoked for the other
 * processes). False when the user has no password any more (deleted meanwhile).
 */
export async function replacePassword(
  tx: Executor,
  userId: string,
  keepSessionId: string,
  passwordHash: string,
): Promise<{ endedSessionIds: string[] } | undefined> {
  const updated = await tx
    .update(accounts)
    .set({ password: passwordHash, updatedAt: sql`now()` })
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, CREDENTIAL_PROVIDER)))
    .returning({ id: accounts.id });
  if (updated.length === 0) return undefined;
  return { endedSessionIds: await deleteOtherSessions(tx, userId, keepSessionId) };
}

/** The user's live sessions, most recently used first. */
export async function listSessions(db: Database, userId: string, maxAge: number): Promise<StoredSession[]> {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      updatedAt: sessions.updatedAt,
      expiresAt: sessions.expiresAt,
      userAgent: sessions.userAgent,
      ipAddress: sessions.ipAddress,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), liveAt(maxAge)))
    .orderBy(desc(sessions.updatedAt), desc(sessions.id));
}

/**
 * Deletes one session of the user; false when the user has no session with that id (another
 * user's, an unknown or a malformed id: the caller cannot tell them apart). Of concurrent
 * deletes of one session, exactly one deletes the row.
 */
export async function deleteSession(db: Executor, userId: string, sessionId: string): Promise<boolean> {
  if (!isStorableText(sessionId) || sessionId.length > 255) return false;
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

/** Deletes every session of the user but `keepSessionId`; returns the ids deleted. */
export async function deleteOtherSessions(tx: Executor, userId: string, keepSessionId: string): Promise<string[]> {
  const deleted = await tx
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
    .returning({ id: sessions.id });
  return deleted.map((row) => row.id);
}

export interface DeletedAccount {
  email: string;
  name: string;
  endedSessionIds: string[];
}

/**
 * Deletes the user and, through the foreign keys' cascades, their tasks, accounts (the password
 * hash), retired refresh tokens, emailed tokens and the emails queued for them. The sessions are deleted first, explicitly, so that their ids
 * come back for revoking them in this process at once. Undefined when the user is already gone.
 */
export async function deleteUser(tx: Executor, userId: string): Promise<DeletedAccount | undefined> {
  // Locked first: a concurrent sign-in's session insert (a key-share lock on this row) waits
  // for the deletion and then fails, instead of leaving a session behind.
  const [user] = await tx
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, userId))
    .for("update");
  if (!user) return undefined;
  const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  await tx.delete(users).where(eq(users.id, userId));
  return { ...user, endedSessionIds: ended.map((row) => row.id) };
}
