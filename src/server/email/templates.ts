import type { EmailKind } from "./queue-email.js";

export const PRODUCT_NAME = "Taskvault";

export interface RenderedEmail {
  subject: string;
  /** Plain text; a link stands on a line of its own. */
  text: string;
  html: string;
}

/** What the sender reads back from an outbox row. */
export interface EmailPayload {
  name?: string;
  token?: string;
  newEmail?: string;
  /** A task-reminder's task: its title, its dueAt (ISO 8601) and the owner's IANA time zone. */
  title?: string;
  dueAt?: string;
  timeZone?: string;
}

interface Action {
  /** The web app's page the link opens: one that takes the email's token, or the task list. */
  page: TokenPage | "tasks";
  /** The link's text in the HTML part. */
  label: string;
}

type TokenPage = "reset-password" | "verify-email" | "confirm-email";

interface Template {
  subject: string | ((p: EmailPayload) => string);
  heading: string | ((p: EmailPayload) => string);
  /**
   * Emails to an address the account has not proven (a sign-up, a new address) greet no one by
   * name: whoever typed that address chose the name, and it must not speak to a stranger.
   */
  greetByName: boolean;
  action?: Action;
  /** Paragraphs before the link (or the whole message without one). */
  before: (p: EmailPayload) => string[];
  after?: string[];
}

const templates: Record<EmailKind, Template> = {
  "verify-email": {
    subject: `Confirm your email address for ${PRODUCT_NAME}`,
    heading: "Confirm your email address",
    greetByName: false,
    action: { page: "verify-email", label: "Confirm my email address" },
    before: () => [`Welcome to ${PRODUCT_NAME}. Open this link within 24 hours to confirm that this address is yours:`],
    after: [`If you did not sign up for ${PRODUCT_NAME}, ignore this email: nothing happens without the link.`],
  },
  "reset-password": {
    subject: `Reset your ${PRODUCT_NAME} password`,
    heading: "Reset your password",
    greetByName: true,
    action: { page: "reset-password", label: "Choose a new password" },
    before: () => [
      `Someone asked to reset the password of your ${PRODUCT_NAME} account. Open this link within 1 hour to choose a new one:`,
    ],
    after: [
      "The link works once. Resetting the password signs you out on every device.",
      "If you did not ask for this, ignore this email: your password stays as it is.",
    ],
  },
  "email-change": {
    subject: `Confirm your new email address for ${PRODUCT_NAME}`,
    heading: "Confirm your new email address",
    greetByName: false,
    action: { page: "confirm-email", label: "Use this email address" },
    before: () => [
      `Someone asked to use this address for a ${PRODUCT_NAME} account. Open this link within 24 hours to confirm it; until then the account keeps its old address:`,
    ],
    after: ["If you did not ask for this, ignore this email: nothing changes without the link."],
  },
  "email-change-notice": {
    subject: `Your ${PRODUCT_NAME} email address is about to change`,
    heading: "Your email address is about to change",
    greetByName: true,
    before: (p) => [
      `Someone signed in to your ${PRODUCT_NAME} account asked to change its email address to ${p.newEmail ?? "another address"}. The change happens only once the new address is confirmed; until then this address stays the account's.`,
      `If this was not you, change your password now: sign in at the address below, or reset it from the sign-in page.`,
    ],
  },
  "password-changed": {
    subject: `Your ${PRODUCT_NAME} password was changed`,
    heading: "Your password was changed",
    greetByName: true,
    before: () => [
      `The password of your ${PRODUCT_NAME} account was just changed.`,
      "If this was you, there is nothing to do. If it was not, reset your password now from the sign-in page.",
    ],
  },
  "account-deleted": {
    subject: `Your ${PRODUCT_NAME} account was deleted`,
    heading: "Your account was deleted",
    greetByName: true,
    before: () => [
      `Your ${PRODUCT_NAME} account and all its tasks were deleted, as you asked. We no longer hold any of your data.`,
      "Thank you for having used it.",
    ],
  },
  "task-reminder": {
    subject: (p) => `Reminder: ${shortened(oneLine(p.title), 80)}`,
    heading: (p) => shortened(oneLine(p.title), 200),
    greetByName: true,
    action: { page: "tasks", label: `Open ${PRODUCT_NAME}` },
    before: (p) => [`A reminder you set: “${oneLine(p.title)}” is due ${formatDueAt(p.dueAt, p.timeZone)}.`],
    after: ["You get this email because the task has a reminder. Remove its reminders in the app to get none."],
  },
};

/** The link an email carries, built from PUBLIC_URL alone. */
export function actionLink(publicUrl: string, page: TokenPage, token: string): string {
  return `${publicUrl}/${page}?token=${encodeURIComponent(token)}`;
}

/**
 * Renders one email in plain text and simple, accessible HTML: a language, a heading, the link
 * also written out as text; no images, no tracking, no remote content.
 */
export function renderEmail(kind: EmailKind, payload: EmailPayload, publicUrl: string): RenderedEmail {
  const template = templates[kind];
  const subject = typeof template.subject === "string" ? template.subject : template.subject(payload);
  const heading = typeof template.heading === "string" ? template.heading : template.heading(payload);
  const name = template.greetByName ? oneLine(payload.name) : "";
  const greeting = name ? `Hello ${name},` : "Hello,";
  const before = template.before(payload);
  const after = template.after ?? [];
  let link: string | undefined;
  const page = template.action?.page;
  if (page === "tasks") {
    link = `${publicUrl}/`;
  } else if (page) {
    if (!payload.token) throw new Error(`a ${kind} email needs a token`);
    link = actionLink(publicUrl, page, payload.token);
  }
  const signature = `${PRODUCT_NAME} · ${publicUrl}`;

  const text = [greeting, ...before, ...(link ? [link] : []), ...after, `— ${signature}`].join("\n\n");

  const paragraphs = (lines: string[]) => lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n");
  const actionHtml =
    link && template.action
      ? [
          `<p><a href="${escapeHtml(link)}" style="color:#1d4ed8;font-weight:600">${escapeHtml(template.action.label)}</a></p>`,
          `<p>Or copy this address into your browser:<br><span style="word-break:break-all">${escapeHtml(link)}</span></p>`,
        ].join("\n")
      : "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:16px;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:16px;line-height:1.5;color:#1f2937;background:#ffffff">
<main style="max-width:36rem;margin:0 auto">
<h1 style="font-size:1.375rem;line-height:1.3">${escapeHtml(heading)}</h1>
${paragraphs([greeting, ...before])}
${actionHtml}
${paragraphs(after)}
<p>— ${escapeHtml(PRODUCT_NAME)} · <a href="${escapeHtml(publicUrl)}" style="color:#1d4ed8">${escapeHtml(publicUrl)}</a></p>
</main>
</body>
</html>
`;
  return { subject, text, html };
}

/** A name on one line, without control characters, as it stands in a greeting. */
function oneLine(value: string | undefined): string {
  return (value ?? "")
    .replace(/\p{Cc}+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** At most `max` characters, an ellipsis standing for the rest. */
function shortened(value: string, max: number): string {
  // By code point: a cut never splits a surrogate pair.
  const chars = Array.from(value);
  return chars.length <= max
    ? value
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}

/**
 * A due time as its owner reads it: in their time zone, named, e.g. "Monday, January 5, 2026 at
 * 9:00 AM GMT+1". A zone the runtime does not know (it was valid when stored) falls back to UTC.
 */
function formatDueAt(dueAt: string | undefined, timeZone: string | undefined): string {
  if (!dueAt) throw new Error("a task-reminder email needs the task's dueAt");
  const date = new Date(dueAt);
  const options: Intl.DateTimeFormatOptions = {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  };
  try {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: timeZone ?? "UTC" }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" }).format(date);
  }
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
