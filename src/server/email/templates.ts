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
}

interface Action {
  /** The web app's page the link opens. */
  page: "reset-password" | "verify-email" | "confirm-email";
  /** The link's text in the HTML part. */
  label: string;
}

interface Template {
  subject: string;
  heading: string;
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
};

/** The link an email carries, built from PUBLIC_URL alone. */
export function actionLink(publicUrl: string, page: Action["page"], token: string): string {
  return `${publicUrl}/${page}?token=${encodeURIComponent(token)}`;
}

/**
 * Renders one email in plain text and simple, accessible HTML: a language, a heading, the link
 * also written out as text; no images, no tracking, no remote content.
 */
export function renderEmail(kind: EmailKind, payload: EmailPayload, publicUrl: string): RenderedEmail {
  const template = templates[kind];
  const name = template.greetByName ? oneLine(payload.name) : "";
  const greeting = name ? `Hello ${name},` : "Hello,";
  const before = template.before(payload);
  const after = template.after ?? [];
  let link: string | undefined;
  if (template.action) {
    if (!payload.token) throw new Error(`a ${kind} email needs a token`);
    link = actionLink(publicUrl, template.action.page, payload.token);
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
<title>${escapeHtml(template.subject)}</title>
</head>
<body style="margin:0;padding:16px;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:16px;line-height:1.5;color:#1f2937;background:#ffffff">
<main style="max-width:36rem;margin:0 auto">
<h1 style="font-size:1.375rem;line-height:1.3">${escapeHtml(template.heading)}</h1>
${paragraphs([greeting, ...before])}
${actionHtml}
${paragraphs(after)}
<p>— ${escapeHtml(PRODUCT_NAME)} · <a href="${escapeHtml(publicUrl)}" style="color:#1d4ed8">${escapeHtml(publicUrl)}</a></p>
</main>
</body>
</html>
`;
  return { subject: template.subject, text, html };
}

/** A name on one line, without control characters, as it stands in a greeting. */
function oneLine(value: string | undefined): string {
  return (value ?? "")
    .replace(/\p{Cc}+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
