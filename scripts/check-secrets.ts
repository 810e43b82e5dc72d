// Fails when the repository holds something that looks like a secret: a private key, a token of a
// known service, a URL with a real password, a high-entropy string assigned to a name like
// secret/password/token, or a file that holds secrets by nature (.env, *.pem, DATA_DIR/auth-secret).
// Scans every tracked file, and untracked files that are not ignored (so it also works before a
// commit). Known test fixtures are listed in scripts/check-secrets.allow.json with a reason.
//
//   npx tsx scripts/check-secrets.ts        # exits 1 and lists each finding
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Finding {
  path: string;
  line: number;
  rule: string;
  /** The matched text, shortened so that the report does not spread the secret further. */
  excerpt: string;
}

export interface AllowEntry {
  /** The file, relative to the repository root. */
  path: string;
  /** A substring of the matched text; absent means every finding of `rule` in that file. */
  match?: string;
  rule?: string;
  reason: string;
}

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Files that hold secrets by nature, whatever they contain. */
const SECRET_FILES: { rule: string; test: (name: string) => boolean }[] = [
  { rule: "dotenv file", test: (name) => /^\.env(\..+)?$/.test(name) && !/\.(example|sample|template)$/.test(name) },
  { rule: "key or keystore file", test: (name) => /\.(pem|key|p12|pfx|jks|keystore|ppk)$/i.test(name) },
  { rule: "ssh private key file", test: (name) => /^id_(rsa|dsa|ecdsa|ed25519)$/.test(name) },
  { rule: "generated AUTH_SECRET (DATA_DIR/auth-secret)", test: (name) => name === "auth-secret" },
];

/** Patterns that are secrets wherever they appear. */
const SECRET_PATTERNS: { rule: string; pattern: RegExp }[] = [
  { rule: "private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { rule: "AWS access key id", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { rule: "GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { rule: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { rule: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { rule: "Stripe live key", pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}\b/ },
  { rule: "npm token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { rule: "registry auth token", pattern: /_auth(?:Token)?\s*=\s*(?!\$\{)[^\s]{8,}/ },
  { rule: "JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/ },
];

/** A URL carrying a password: `scheme://user:password@host`. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"`]+:([^\s@/'"`]+)@/gi;
const PLACEHOLDER = /[…*<>${}]|x{3,}|password|passwd|secret|changeme|example|dummy|placeholder/i;

/** A string assigned to a name that says it is secret: `apiKey = "…"`, `"password": "…"`. */
const SECRET_ASSIGNMENT =
  /([A-Za-z0-9_.-]*(?:secret|passw(?:or)?d|pwd|token|api[_-]?key|private[_-]?key|credential|auth)[A-Za-z0-9_.-]*)["']?\s*[:=]\s*["'`]([^"'`\s]{16,})["'`]/gi;

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** Random-looking: high entropy and more than one class of character (not a word-salad id). */
function looksRandom(value: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return entropy(value) >= 4 && classes >= 3 && !PLACEHOLDER.test(value);
}

const excerptOf = (text: string) => (text.length > 24 ? `${text.slice(0, 12)}…${text.slice(-4)}` : text);

/** Every finding in one file's text. */
export function scanText(path: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    const add = (rule: string, matched: string) =>
      findings.push({ path, line: index + 1, rule, excerpt: excerptOf(matched) });
    for (const { rule, pattern } of SECRET_PATTERNS) {
      const match = pattern.exec(line);
      if (match) add(rule, match[0]);
    }
    for (const match of line.matchAll(URL_WITH_PASSWORD)) {
      const password = match[1] ?? "";
      if (password.length >= 8 && !PLACEHOLDER.test(password)) add("URL with a password", match[0]);
    }
    for (const match of line.matchAll(SECRET_ASSIGNMENT)) {
      const value = match[2] ?? "";
      if (looksRandom(value)) add(`high-entropy value assigned to ${match[1]}`, value);
    }
  });
  return findings;
}

/** Every finding in the given files (paths relative to `root`). */
export function scanFiles(root: string, files: string[]): Finding[] {
  const findings: Finding[] = [];
  for (const path of files) {
    const name = basename(path);
    for (const { rule, test } of SECRET_FILES) {
      if (test(name)) findings.push({ path, line: 0, rule, excerpt: name });
    }
    const full = join(root, path);
    let size: number;
    try {
      size = statSync(full).size;
    } catch {
      continue; // listed by git but deleted in the work tree
    }
    if (size > MAX_FILE_BYTES) continue;
    const bytes = readFileSync(full);
    if (bytes.subarray(0, 8_000).includes(0)) continue; // binary
    findings.push(...scanText(path, bytes.toString("utf8")));
  }
  return findings;
}

/** Drops the findings the allow-list vouches for. */
export function applyAllowList(findings: Finding[], allow: AllowEntry[]): Finding[] {
  return findings.filter(
    (f) =>
      !allow.some(
        (a) =>
          a.path === f.path &&
          (a.rule === undefined || a.rule === f.rule) &&
          (a.match === undefined || f.excerpt.includes(a.match.slice(0, 12))),
      ),
  );
}

/** Tracked files, plus untracked files that .gitignore does not exclude. */
export function repositoryFiles(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split("\0").filter(Boolean))];
}

export function scanRepository(root: string): Finding[] {
  const allowPath = fileURLToPath(new URL("./check-secrets.allow.json", import.meta.url));
  const allow = JSON.parse(readFileSync(allowPath, "utf8")) as AllowEntry[];
  return applyAllowList(scanFiles(root, repositoryFiles(root)), allow);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const findings = scanRepository(root);
  if (findings.length === 0) {
    console.log("check-secrets: no secrets found in the repository's files");
  } else {
    for (const f of findings) console.error(`${f.path}:${f.line}: ${f.rule}: ${f.excerpt}`);
    console.error(
      `check-secrets: ${findings.length} possible secret(s). Remove them (and rotate any real one), or, for a test fixture, add it to scripts/check-secrets.allow.json with a reason.`,
    );
    process.exit(1);
  }
}
