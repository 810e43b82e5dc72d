import { expect } from "vitest";
import type { FieldError, ProblemCode } from "../../src/shared/problem.js";

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
}

/**
 * Asserts an RFC 9457 problem answer (status, content type, shape, code) and returns its body.
 *
 * @example
 *   const problem = await expectProblem(res, 400, "validation_failed");
 *   expect(problem.errors).toContainEqual({ path: "title", message: expect.any(String) });
 */
export async function expectProblem(res: Response, status: number, code: ProblemCode): Promise<Problem> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toMatchObject({ status });
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Problem;
  expect(body).toMatchObject({
    type: "about:blank",
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
  });
  return body;
}
