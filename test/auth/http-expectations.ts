import { expect } from "vitest";

export { expectProblem, type Problem } from "../helpers/problem-expectations.js";

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
