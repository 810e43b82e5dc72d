import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, runServerToExit } from "../helpers/server-process.js";

// test/config/config.test.ts proves that loadConfig throws; this proves the real process, started
// as an operator would start it, refuses to serve: exit code 1, one line naming AUTH_SECRET,
// nothing listening, and no secret generated on disk in its place.

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  dataDir: string;
  port: number;
}

async function startInProduction(env: Record<string, string>): Promise<Exit> {
  const dataDir = mkdtempSync(join(tmpdir(), "taskvault-prod-"));
  dataDirs.push(dataDir);
  const port = await freePort();
  const exit = await runServerToExit({ NODE_ENV: "production", DATA_DIR: dataDir, PORT: String(port), ...env });
  return { ...exit, dataDir, port };
}

describe.concurrent("starting the server with NODE_ENV=production", () => {
  it.each([
    ["without AUTH_SECRET", {}, /^[^\n]*AUTH_SECRET[^\n]*production[^\n]*\n$/],
    [
      "with empty AUTH_SECRET and BETTER_AUTH_SECRET",
      { AUTH_SECRET: "", BETTER_AUTH_SECRET: "" },
      /^[^\n]*AUTH_SECRET[^\n]*\n$/,
    ],
  ])(
    "%s: exits 1 with one line naming the secret, listens on nothing, writes no secret",
    {
      timeout: 40_000,
    },
    async (_, env, message) => {
      const exit = await startInProduction(env);
      expect(exit.code).toBe(1);
      expect(exit.stderr).toMatch(message);
      expect(exit.stderr).not.toMatch(/\bat \S+ \(|Error:/);
      expect(exit.stdout).toBe("");
      expect(existsSync(join(exit.dataDir, "auth-secret"))).toBe(false);
      expect(readdirSync(exit.dataDir)).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${exit.port}/api/health`)).rejects.toThrow();
    },
  );
});
