import fc from "fast-check";

/** encodeURIComponent that cannot throw: a lone surrogate becomes U+FFFD first. */
export const encodeSegment = (text: string) => encodeURIComponent(text.toWellFormed());

// Generators of hostile HTTP input, shared by the property tests of test/security and test/tasks. Each one mixes
// plausible values (so that validation is passed and deeper code is reached) with values built
// to hurt: NUL, lone surrogates, bidi overrides, SQL and LIKE metacharacters, huge sizes.

/**
 * One character chosen to break naive code: NUL, surrogates, quotes, LIKE wildcards, bidi, BOM, and
 * letters whose case mapping changes their length (İ, Σ, ß).
 */
export const oddCharacter = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "\u0000",
      "\ud800",
      "\udfff",
      "\u202e",
      "\ufeff",
      "\u2028",
      "İ",
      "Σ",
      "ß",
      "%",
      "_",
      "\\",
      "'",
      '"',
      ";",
      "--",
      "/*",
      "$1",
      "\r\n",
    ),
  },
);

/** Strings made to hurt, from empty to about 70 KiB (past the 64 KiB body limit once encoded). */
export const hostileString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: oddCharacter, maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "' OR '1'='1",
      "'; DROP TABLE users; --",
      "%",
      "_%_",
      "\\%",
      "a%' ESCAPE '\\",
      "$$; select pg_sleep(10); $$",
      "../../etc/passwd",
      "..%2f..%2fetc%2fpasswd",
      "<script>alert(1)</script>",
      // Template-injection probes, spelled so that no linter mistakes them for our own templates.
      `$\{7*7}{{7*7}}`,
      "null",
      "undefined",
      "NaN",
      "-0",
      "1e309",
      "12345678",
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5_000 }).map((n) => "é".repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 30_000, max: 70_000 }).map((n) => "x".repeat(n)) },
);

/** Something shaped like an email address, or not quite. */
export const emailLike = fc.oneof(
  fc.emailAddress(),
  fc.tuple(hostileString, fc.constantFrom("@example.com", "@", "@x", "")).map(([local, domain]) => local + domain),
  fc.constantFrom("a%_@example.com", "' OR 1=1 --@example.com", "ADMIN@EXAMPLE.COM ", " \u0000@example.com"),
);

/** Any JSON value, or a hostile string, or a number pretending to be a string and vice versa. */
export const hostileValue = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constant(12345678)) },
);

/** Property names that have hurt JavaScript servers before, and random ones. */
export const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "", " "),
  fc.string({ unit: oddCharacter, maxLength: 12 }),
);

/** JSON nested `depth` levels deep, up to 30,000. */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom(["[", "]"], ['{"a":', "}"], ['{"email":', "}"]))
  .map(([depth, [open, close]]) => `${open.repeat(depth)}1${close.repeat(depth)}`);

/**
 * A body as sent on the wire: JSON text of an object built from `fields` (valid or hostile value
 * per field, plus hostile extra keys), any JSON value, raw text with duplicate or prototype keys,
 * deep nesting, or raw bytes that are not UTF-8.
 */
export function hostileBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string | Uint8Array> {
  const nearlyValid = fc.record(
    Object.fromEntries(
      Object.entries(fields).map(([name, valid]) => [
        name,
        fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostileValue }),
      ]),
    ),
    { requiredKeys: [] },
  );
  const names = Object.keys(fields);
  const rawPair = fc
    .tuple(fc.oneof(fc.constantFrom(...names), hostileKey), hostileValue)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}`);
  return fc.oneof(
    { weight: 4, arbitrary: nearlyValid.map((value) => JSON.stringify(value)) },
    {
      weight: 2,
      // Duplicate and prototype keys survive only in raw text: an object would merge them.
      arbitrary: fc.tuple(nearlyValid, fc.array(rawPair, { minLength: 1, maxLength: 4 })).map(([value, pairs]) => {
        const text = JSON.stringify(value);
        return text === "{}" ? `{${pairs.join(",")}}` : `${text.slice(0, -1)},${pairs.join(",")}}`;
      }),
    },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: deeplyNested },
    { weight: 1, arbitrary: fc.string({ unit: oddCharacter, maxLength: 60 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 80 }) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "{", "[]", "null", '{"a":1}garbage', "\ufeff{}") },
  );
}

/** Content types a client might send, right and wrong. */
export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      "",
      "application/json; charset=utf-8",
      "application/json; charset=latin1",
      "application/json;charset=UTF-16",
      "APPLICATION/JSON",
      "application/merge-patch+json",
      "application/jsonx",
      "text/plain",
      "text/json",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "application/json, text/plain",
      `application/json; ${"a=b; ".repeat(500)}`,
    ),
  },
);

/** Printable ASCII header text, up to `maxLength` characters. */
export const headerText = (maxLength = 60) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** Extra request headers: huge values, odd tokens and cookies, forged forwarding headers. */
export const oddHeaders = fc.record(
  {
    "x-request-id": fc.oneof(
      headerText(),
      fc.integer({ min: 129, max: 8_000 }).map((n) => "r".repeat(n)),
    ),
    "user-agent": fc.oneof(
      headerText(),
      fc.integer({ min: 513, max: 8_000 }).map((n) => "u".repeat(n)),
    ),
    cookie: fc.oneof(headerText(200), fc.constant(`taskvault_session=${"c".repeat(4_000)}`)),
    "x-refresh-token": fc.oneof(fc.constant("cookie"), headerText()),
    "x-forwarded-for": fc.oneof(fc.ipV4(), headerText()),
    "if-match": fc.oneof(fc.constantFrom("*", '"1"', 'W/"1"', '"999999999999999999999"'), headerText()),
    "if-none-match": fc.oneof(fc.constantFrom("*", '"1"'), headerText()),
    accept: fc.constantFrom("application/json", "text/html", "*/*", "application/xml", ""),
    "accept-charset": fc.constantFrom("utf-8", "latin1", "utf-16"),
  },
  { requiredKeys: [] },
);

/** Path segments built for traversal, encoding and injection tricks (already URL-encoded). */
export const hostileSegment = fc.oneof(
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).map(encodeSegment),
  fc.constantFrom(
    "%",
    "%zz",
    "%00",
    "%FF",
    "%ED%A0%80",
    "%C0%AF",
    "..",
    "%2e%2e",
    "..%2f..%2f",
    "%2F",
    "%252F",
    "%5C",
    "%27%20OR%20%271%27%3D%271",
    "%25",
    "_",
    "*",
    "auth",
    "me",
    "undefined",
    "null",
  ),
  fc.integer({ min: 1_000, max: 10_000 }).map((n) => "a".repeat(n)),
);
