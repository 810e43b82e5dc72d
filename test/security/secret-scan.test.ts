import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyAllowList, scanFiles, scanRepository } from "../../scripts/check-secrets.js";

// The no-secrets check of CI (scripts/check-secrets.ts). Every planted secret below is made at
// run time and written to a temporary directory only, so the repository never holds one.

const root = mkdtempSync(join(tmpdir(), "taskvault-secrets-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plant(path: string, text: string): string {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  return path;
}

const random = (bytes: number) => randomBytes(bytes).toString("base64url");

describe("the secret scanner", () => {
  it("finds private keys, service tokens, passwords in URLs and secret-named random strings", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const files = [
      plant("keys.ts", `export const key = \`${privateKey.export({ type: "pkcs8", format: "pem" })}\`;`),
      plant("aws.ts", `const id = "AKIA${randomBytes(8).toString("hex").toUpperCase()}";`),
      plant("gh.yml", `token: ghp_${randomBytes(18).toString("hex")}`),
      plant("db.ts", `const url = "postgres://app:${random(12)}Q7@db.internal:5432/app";`),
      plant("config.ts", `const apiKey = "${random(24)}x9Z";`),
      plant("settings.json", `{ "clientSecret": "${random(30)}A1" }`),
    ];
    const rules = scanFiles(root, files).map((f) => `${f.path}: ${f.rule}`);
    expect(rules).toEqual([
      "keys.ts: private key",
      "aws.ts: AWS access key id",
      "gh.yml: GitHub token",
      "db.ts: URL with a password",
      "config.ts: high-entropy value assigned to apiKey",
      "settings.json: high-entropy value assigned to clientSecret",
    ]);
  });

  it("finds files that hold secrets by nature: .env, key files, a generated auth-secret", () => {
    const files = [
      plant(".env", "PORT=3000\n"),
      plant(".env.production", "PORT=3000\n"),
      plant("certs/server.pem", "not really a key\n"),
      plant("data/auth-secret", "generated\n"),
      plant(".env.example", "AUTH_SECRET=\n"),
    ];
    expect(scanFiles(root, files).map((f) => `${f.path}: ${f.rule}`)).toEqual([
      ".env: dotenv file",
      ".env.production: dotenv file",
      "certs/server.pem: key or keystore file",
      "data/auth-secret: generated AUTH_SECRET (DATA_DIR/auth-secret)",
    ]);
  });

  it("leaves placeholders, low-entropy fixtures and ordinary code alone", () => {
    const files = [
      plant(
        "readme.md",
        [
          "export DATABASE_URL=postgres://taskvault:…@db.example.com:5432/taskvault",
          "postgresql://app:pw@db.example:5432/taskvault",
          'const password = "correct horse battery staple";',
          'const TEST_SECRET = "test-secret-that-is-long-enough-for-taskvault-0123456789";',
          `const token = "Bearer $\{token}";`,
          'const refreshToken = body.refreshToken ?? "";',
          '"integrity": "sha512-8Bq0AApmCL8Q1XbMsh4l0nq5sPiK+dpaw1IHtvjRWW53e/P7n6lI3xkzs1ZwqiPLkbnsbvJr1k4qsY/J/xL9nA=="',
        ].join("\n"),
      ),
    ];
    expect(scanFiles(root, files)).toEqual([]);
  });

  it("drops a finding the allow-list vouches for, and only that one", () => {
    const value = `${random(24)}x9Z`;
    const files = [plant("fixture.ts", `const apiKey = "${value}";\nconst apiToken = "${random(24)}k8Y";`)];
    const left = applyAllowList(scanFiles(root, files), [
      { path: "fixture.ts", match: value, reason: "a test fixture" },
    ]);
    expect(left.map((f) => f.line)).toEqual([2]);
  });

  it("finds nothing in this repository", () => {
    expect(scanRepository(process.cwd())).toEqual([]);
  });
});
