import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, inArray, isNull, ne, sql, TransactionRollbackError } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { accounts, accountTokens, emailOutbox, sessions, users } from "../db/schema/index.js";

export type TokenPurpose = "reset-password" | "verify-email" | "change-email";

/** How long each kind of link works, seconds. */
export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  "reset-password": 60 * 60,
  "verify-email": 24 * 60 * 60,
  "change-email": 24 * 60 * 60,
};

type Writer = Pick<Database, "insert" | "update">;

export interface TokenOwner {
  userId: string;
  /** The address the link was sent to. */
  email: string;
}

/** Tokens are stored as this (SHA-256, base64url) only; a lookup by it is a lookup by the token. */
export function hashAccountToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/**
 * Creates a single-use token of 32 random bytes for `purpose`, valid for its lifetime, and
 * returns it; only its hash is stored. Write it in the transaction that queues its email.
 */
export async function issueAccountToken(tx: Writer, owner: TokenOwner & { purpose: TokenPurpose }): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await tx.insert(accountTokens).values({
    tokenHash: hashAccountToken(token),
    userId: owner.userId,
    purpose: owner.purpose,
    email: owner.email,
    expiresAt: sql`now() + ${TOKEN_LIFETIME_SECONDS[owner.purpose]}::int * interval '1 second'`,
  });
  return token;
}

const usable = (token: string, purpose: TokenPurpose) =>
  and(
    eq(accountTokens.tokenHash, hashAccountToken(token)),
    eq(accountTokens.purpose, purpose),
    isNull(accountTokens.usedAt),
    gt(accountTokens.expiresAt, sql`now()`),
  );

/**
 * Uses a token, in one statement: of concurrent uses of one token, exactly one gets its owner
 * back (the row lock makes the others find it used). Undefined for an unknown, used or expired one.
 */
export async function consumeAccountToken(
  tx: Pick<Database, "update">,
  token: string,
  purpose: TokenPurpose,
): Promise<TokenOwner | undefined> {
  const [row] = await tx
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(usable(token, purpose))
    .returning({ userId: accountTokens.userId, email: accountTokens.email });
  return row;
}

/** The owner of a token that could be used now, without using it (to check a request first). */
export async function findUsableAccountToken(
  db: Pick<Database, "select">,
  token: string,
  purpose: TokenPurpose,
): Promise<TokenOwner | undefined> {
  const [row] = await db
    .select({ userId: accountTokens.userId, email: accountTokens.email })
    .from(accountTokens)
    .where(usable(token, purpose))
    .limit(1);
  return row;
}

/**
 * Marks every unused token of the user for these purposes as used: after a reset, the other
 * reset links and any pending email change die with the old password.
 */
export async function retireAccountTokens(
  tx: Pick<Database, "update">,
  userId: string,
  purposes: TokenPurpose[],
): Promise<void> {
  await tx
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(eq(accountTokens.userId, userId), inArray(accountTokens.purpose, purposes), isNull(accountTokens.usedAt)),
    );
}

// The account rows these flows change.

export interface AccountHolder {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
}

const holderColumns = { id: users.id, email: users.email, name: users.name, emailVerified: users.emailVerified };

export async function findAccountHolder(
  db: Pick<Database, "select">,
  where: { id: string } | { email: string },
): Promise<AccountHolder | undefined> {
  const [row] = await db
    .select(holderColumns)
    .from(users)
    .where("id" in where ? eq(users.id, where.id) : eq(users.email, where.email))
    .limit(1);
  return row;
}

/** Whether another account holds `email`. */
export async function isEmailTaken(
  db: Pick<Database, "select">,
  email: string,
  exceptUserId: string,
): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), ne(users.id, exceptUserId)))
    .limit(1);
  return row !== undefined;
}

/**
 * Sets the password hash of the user's credential account (Better Auth's `accounts` row for
 * provider `credential`, whose account id is the user id), creating it if the user had none.
 */
export async function setPasswordHash(tx: Writer, userId: string, passwordHash: string): Promise<void> {
  const updated = await tx
    .update(accounts)
    .set({ password: passwordHash, updatedAt: sql`now()` })
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, "credential")))
    .returning({ id: accounts.id });
  if (updated.length > 0) return;
  await tx.insert(accounts).values({
    id: randomBytes(16).toString("base64url"),
    accountId: userId,
    providerId: "credential",
    userId,
    password: passwordHash,
  });
}

/** Marks the email verified while the account still has the address the link was sent to. */
export async function markEmailVerified(tx: Pick<Database, "update">, owner: TokenOwner): Promise<boolean> {
  const rows = await tx
    .update(users)
    .set({ emailVerified: true, updatedAt: sql`now()` })
    .where(and(eq(users.id, owner.userId), eq(users.email, owner.email)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/**
 * Switches the account to its confirmed new address, verified. False when another account took
 * the address meanwhile (the unique index decides, so two confirmations cannot both win).
 */
export async function switchEmail(tx: Pick<Database, "update">, owner: TokenOwner): Promise<boolean> {
  try {
    const rows = await tx
      .update(users)
      .set({ email: owner.email, emailVerified: true, updatedAt: sql`now()` })
      .where(eq(users.id, owner.userId))
      .returning({ id: users.id });
    return rows.length > 0;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Ends every session of the user; returns their ids (the trigger records each revocation). */
export async function deleteAllSessions(tx: Pick<Database, "delete">, userId: string): Promise<string[]> {
  const rows = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return rows.map((row) => row.id);
}

/** The user's password hash (argon2id, PHC string), if they have a credential account. */
export async function findPasswordHash(db: Pick<Database, "select">, userId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ hash: accounts.password })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, "credential")))
    .limit(1);
  return row?.hash ?? undefined;
}

/**
 * The database work of queueing an email (a transaction with an insert into the outbox), rolled
 * back: a forgot-password for an unknown email costs what one for a known email does.
 */
export async function rehearseQueuedEmail(db: Database): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await tx.insert(emailOutbox).values({ kind: "reset-password", recipient: "", payload: {} });
      tx.rollback();
    });
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: string }).code === "23505") return true;
  }
  return false;
}
