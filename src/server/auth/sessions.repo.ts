import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { User } from "../../shared/auth.schemas.js";
import { isStorableText } from "../../shared/text.js";
import type { Database } from "../db/client.js";
import { retiredRefreshTokens, sessions, users } from "../db/schema/index.js";
import { hashRefreshToken } from "./refresh-tokens.js";

export interface SessionRow {
  id: string;
  userId: string;
  expiresAt: Date;
}

export interface AdoptedSession extends SessionRow {
  /** How many sessions the user has now, this one included. */
  sessionCount: number;
}

export interface SessionLifetimes {
  /** Sliding idle lifetime, seconds (SESSION_TTL). */
  ttl: number;
  /** Absolute lifetime from creation, seconds (SESSION_MAX_AGE). */
  maxAge: number;
}

const seconds = (n: number) => sql`${n}::int * interval '1 second'`;
/**
 * A session we have taken over (adoptNewSession): its token column holds a SHA-256 in hex. One
 * that Better Auth has only just created still holds its own 32-character token for the instant
 * until the sign-in that created it takes it over; the session cap leaves those alone, so that a
 * concurrent sign-in of the same user never ends a session before it was handed out.
 */
const adopted = sql`length(${sessions.token}) = 64`;
/** Not past its sliding end (expires_at) nor its absolute one (created_at + SESSION_MAX_AGE). */
export const liveAt = (maxAge: number) =>
  and(gt(sessions.expiresAt, sql`now()`), gt(sql`${sessions.createdAt} + ${seconds(maxAge)}`, sql`now()`));

/**
 * Takes over a session Better Auth has just created: its token (the refresh token we hand out)
 * is replaced by its hash, and its end is capped by the absolute lifetime.
 */
export async function adoptNewSession(
  db: Database,
  token: string,
  maxAge: number,
): Promise<AdoptedSession | undefined> {
  const [row] = await db
    .update(sessions)
    .set({
      token: hashRefreshToken(token),
      expiresAt: sql`least(${sessions.expiresAt}, ${sessions.createdAt} + ${seconds(maxAge)})`,
    })
    .where(eq(sessions.token, token))
    .returning({
      id: sessions.id,
      userId: sessions.userId,
      expiresAt: sessions.expiresAt,
      sessionCount: sql<number>`(select count(*)::int from ${sessions} as mine where mine.user_id = ${sessions.userId})`,
    });
  return row;
}

/** A live session by its refresh token. */
export async function findLiveSessionByToken(
  db: Database,
  token: string,
  maxAge: number,
): Promise<SessionRow | undefined> {
  // A string PostgreSQL cannot hold as text (NUL, a lone surrogate) is no session's token.
  if (!isStorableText(token)) return undefined;
  const [row] = await db
    .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.token, hashRefreshToken(token)), liveAt(maxAge)))
    .limit(1);
  return row;
}

/**
 * One refresh, in one statement: when `presented` is the live session's current token, the
 * session gets `next` as its token, slides forward (never past its absolute end), and
 * `presented` is recorded as retired. Two requests racing with one token cannot both win: the
 * row lock makes the second find the token gone.
 */
export async function rotateRefreshToken(
  db: Database,
  presented: string,
  next: string,
  lifetimes: SessionLifetimes,
): Promise<SessionRow | undefined> {
  const presentedHash = hashRefreshToken(presented);
  const result = await db.execute(sql`
    with rotated as (
      update ${sessions}
      set token = ${hashRefreshToken(next)},
          expires_at = least(now() + ${seconds(lifetimes.ttl)}, ${sessions.createdAt} + ${seconds(lifetimes.maxAge)}),
          updated_at = now()
      where ${sessions.token} = ${presentedHash} and ${liveAt(lifetimes.maxAge)}
      returning ${sessions.id}, ${sessions.userId}, ${sessions.expiresAt}
    ), retired as (
      insert into ${retiredRefreshTokens} (token_hash, session_id)
      select ${presentedHash}, id from rotated
    )
    select id, user_id, extract(epoch from expires_at)::float8 * 1000 as expires_ms from rotated`);
  // Both drivers answer a raw statement with { rows }.
  const [row] = (result as unknown as { rows: { id: string; user_id: string; expires_ms: number | string }[] }).rows;
  return row ? { id: row.id, userId: row.user_id, expiresAt: new Date(Number(row.expires_ms)) } : undefined;
}

export interface RetiredToken extends SessionRow {
  /** Retired less than REFRESH_REUSE_GRACE seconds ago. */
  inGrace: boolean;
  /** The hash of the session's current refresh token. */
  currentHash: string;
  live: boolean;
}

/** The session a retired refresh token belonged to, if that session still exists. */
export async function findRetiredToken(
  db: Database,
  token: string,
  graceSeconds: number,
  maxAge: number,
): Promise<RetiredToken | undefined> {
  const [row] = await db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      expiresAt: sessions.expiresAt,
      currentHash: sessions.token,
      inGrace: sql<boolean>`${retiredRefreshTokens.retiredAt} > now() - ${seconds(graceSeconds)}`,
      live: sql<boolean>`${liveAt(maxAge)}`,
    })
    .from(retiredRefreshTokens)
    .innerJoin(sessions, eq(sessions.id, retiredRefreshTokens.sessionId))
    .where(eq(retiredRefreshTokens.tokenHash, hashRefreshToken(token)))
    .limit(1);
  return row;
}

/**
 * Ends the user's least recently used sessions beyond `max` (MAX_SESSIONS_PER_USER); returns
 * their ids so that their access tokens can be revoked here at once (the trigger tells others).
 * The user's row is locked first, so concurrent sign-ins of one user take turns and each sees
 * the sessions the others created: the count ends at `max`, never above. (NO KEY UPDATE does not
 * block the foreign-key checks of sessions being inserted meanwhile.)
 */
export async function endSessionsBeyond(db: Database, userId: string, max: number): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("no key update");
    const beyond = tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), adopted))
      .orderBy(desc(sessions.updatedAt), desc(sessions.id))
      .offset(max);
    const ended = await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), inArray(sessions.id, beyond)))
      .returning({ id: sessions.id });
    return ended.map((row) => row.id);
  });
}

/** Deletes sessions; returns the ids that still existed. */
export async function deleteSessions(db: Pick<Database, "delete">, sessionIds: string[]): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const deleted = await db.delete(sessions).where(inArray(sessions.id, sessionIds)).returning({ id: sessions.id });
  return deleted.map((row) => row.id);
}

export async function findUserById(db: Database, userId: string): Promise<User | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      emailVerified: users.emailVerified,
      createdAt: users.createdAt,
      timeZone: users.timeZone,
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
  // Absent only from a user Better Auth built itself before its row's default applied.
  timeZone?: string | null | undefined;
}): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.emailVerified,
    createdAt: new Date(row.createdAt).toISOString(),
    timeZone: row.timeZone ?? "UTC",
  };
}
