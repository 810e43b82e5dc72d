import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import { inject } from "vitest";
import { baseURL } from "./browser.js";

/**
 * The server under test has no SMTP_URL, so each email it sends is an .eml file in
 * DATA_DIR/outbox/ (named `<ISO time>-<random>.eml`, written aside and renamed, so never read half
 * written). This reads them back as a mail program would, MIME and all.
 */
function outbox(): string {
  return join(inject("dataDir"), "outbox");
}

function recipients(mail: ParsedMail): string[] {
  const to = ([] as AddressObject[]).concat(mail.to ?? []);
  return to.flatMap((group) => group.value.map((a) => a.address?.toLowerCase() ?? ""));
}

/**
 * The newest email to `address` whose subject matches, waiting for the outbox's sender to write it
 * (it delivers after the request's transaction commits, within a second or two). `seen` are files
 * to skip: the emails a test had already read.
 */
export async function emailTo(
  address: string,
  subject: RegExp,
  { timeoutMs = 15_000, seen = new Set<string>() }: { timeoutMs?: number; seen?: Set<string> } = {},
): Promise<{ mail: ParsedMail; file: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let files: string[] = [];
    try {
      files = readdirSync(outbox()).filter((f) => f.endsWith(".eml") && !seen.has(f));
    } catch {
      // No email written yet: the directory comes with the first.
    }
    // The names start with the time they were written, so the newest sorts last.
    for (const file of files.sort().reverse()) {
      const mail = await simpleParser(readFileSync(join(outbox(), file)));
      if (recipients(mail).includes(address.toLowerCase()) && subject.test(mail.subject ?? "")) {
        seen.add(file);
        return { mail, file };
      }
    }
    if (Date.now() > deadline) throw new Error(`no email to ${address} matching ${subject} in ${outbox()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The link of an email's plain-text part to one of the app's pages: on a line of its own, built
 * from PUBLIC_URL (the server under test's own address).
 */
export function linkIn(mail: ParsedMail, page: "reset-password" | "verify-email" | "confirm-email"): string {
  const prefix = `${baseURL()}/${page}?token=`;
  const line = (mail.text ?? "").split("\n").find((l) => l.trim().startsWith(prefix));
  if (!line) throw new Error(`no ${page} link on a line of its own in:\n${mail.text}`);
  // The HTML part carries the same link.
  if (!String(mail.html).includes(line.trim().replace(/&/g, "&amp;")))
    throw new Error(`the HTML part lacks the link ${line.trim()}`);
  return line.trim();
}
