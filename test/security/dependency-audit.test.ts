import { describe, expect, it } from "vitest";
import { judgeAudit } from "../../scripts/check-audit.js";

// The verdicts of the CI audit step (scripts/check-audit.ts) on the shapes `npm audit --json`
// prints. The real audit needs the registry's audit endpoint, which this network does not serve.

const report = (vulnerabilities: Record<string, unknown>, counts: Record<string, number>) =>
  JSON.stringify({ vulnerabilities, metadata: { vulnerabilities: counts } });

describe("the dependency audit verdict", () => {
  it("fails on a high or critical advisory and names the package and advisory", () => {
    const verdict = judgeAudit(
      report(
        {
          "some-lib": { severity: "critical", via: [{ title: "Prototype pollution", url: "https://ghsa.example/1" }] },
          "its-user": { severity: "high", via: ["some-lib"] },
          harmless: { severity: "moderate", via: [{ title: "ReDoS", url: "https://ghsa.example/2" }] },
        },
        { critical: 1, high: 1, moderate: 1 },
      ),
    );
    expect(verdict).toEqual({
      kind: "vulnerable",
      findings: ["critical: some-lib (Prototype pollution https://ghsa.example/1)", "high: its-user (via some-lib)"],
    });
  });

  it("passes with only moderate and low advisories", () => {
    const verdict = judgeAudit(report({ x: { severity: "low", via: [] } }, { low: 1, high: 0, critical: 0 }));
    expect(verdict.kind).toBe("clean");
  });

  it('says "unavailable" when the audit endpoint refuses or cannot be reached', () => {
    const refused = JSON.stringify({
      message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
      statusCode: 405,
      error: { summary: "", detail: "" },
    });
    expect(judgeAudit(refused)).toMatchObject({ kind: "unavailable", reason: expect.stringContaining("405") });
    const offline = JSON.stringify({ error: { code: "ENOTFOUND", summary: "request to registry failed" } });
    expect(judgeAudit(offline).kind).toBe("unavailable");
  });

  it("fails on anything else: no lockfile, output that is not JSON", () => {
    expect(
      judgeAudit(JSON.stringify({ error: { code: "ENOLOCK", summary: "This command requires a lockfile" } })).kind,
    ).toBe("failed");
    expect(judgeAudit("npm ERR! something").kind).toBe("failed");
  });
});
