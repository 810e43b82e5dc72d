import { expect } from "vitest";
import type { ProblemCode } from "../../src/shared/problem.js";

/**
 * Asserts an RFC 9457 problem answer and returns its body for further checks.
 *
 * @example
 *   const problem = await expectProblem(res, 400, "validation_failed");
 *   expect(problem.errors).toContainEqual({ path: "email", message: expect.any(String) });
 */
export async function expectProblem(
  res: Response,
  status: number,
  code: ProblemCode,
): Promise<{ type: string; title: string; status: number; code: string; detail: string; errors?: FieldError[] }> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toMatchObject({ status });
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text);
  expect(body).toMatchObject({
    type: "about:blank",
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
  });
  return body;
}

export interface FieldError {
  path: string;
  message: string;
}

export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased; flag attributes map to "". */
  attributes: Record<string, string>;
}

/** The cookies a response sets, with their attributes. */
export function setCookies(res: Response): SetCookie[] {
  return res.headers.getSetCookie().map((line) => {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    return {
      name: pair.slice(0, eq),
      value: pair.slice(eq + 1),
      attributes: Object.fromEntries(
        attributes.map((a) => {
          const i = a.indexOf("=");
          return i === -1 ? [a.toLowerCase(), ""] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
        }),
      ),
    };
  });
}

/** The one session cookie a response sets (fails when there is not exactly one). */
export function sessionCookie(res: Response): SetCookie {
  const cookies = setCookies(res).filter((c) => c.name.endsWith("taskvault_session"));
  expect(cookies).toHaveLength(1);
  return cookies[0] as SetCookie;
}
