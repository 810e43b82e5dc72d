/**
 * The sign-in ceiling: the server's own password verification (argon2id, on libuv's thread
 * pool) alone, called by as many concurrent callers as the sign-in scenario has connections.
 *
 * Run as its own process: `node --import tsx bench/ceilings/password-hash.ts <callers> <seconds>`.
 * Prints one JSON line: { rps, cpuMs, msPerHash } (msPerHash: one verification with nothing beside it).
 */
import { hashPassword, verifyPassword } from "../../src/server/auth/password-hash.js";
import { BENCH_PASSWORD } from "../fixture.js";
import { runFor } from "./run-for.js";

const [callersArg = "10", secondsArg = "5"] = process.argv.slice(2);
const hash = await hashPassword(BENCH_PASSWORD);
const verifyOnce = async () => {
  if (!(await verifyPassword({ hash, password: BENCH_PASSWORD }))) throw new Error("the hash does not verify");
};

const single = performance.now();
for (let i = 0; i < 10; i++) await verifyOnce();
const msPerHash = (performance.now() - single) / 10;
const rate = await runFor(Number(secondsArg), Number(callersArg), verifyOnce);
process.stdout.write(`${JSON.stringify({ ...rate, msPerHash })}\n`);
