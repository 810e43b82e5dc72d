import type { TestApp } from "./test-app.js";

/** The parts of an OpenAPI 3.1 JSON schema that request samples are built from. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  minLength?: number;
  format?: string;
}

/** One operation of the document, flattened for tests that must cover every route. */
export interface ApiOperation {
  /** Upper-case HTTP method. */
  method: string;
  /** The OpenAPI path, e.g. `/api/{userId}/tasks/{id}`. */
  path: string;
  /** True when the operation declares the bearer security scheme. */
  bearer: boolean;
  pathParams: string[];
  /** The JSON body schema, when the operation takes one. */
  body: { schema: JsonSchema; required: boolean } | undefined;
  /** The statuses the document says this operation may answer. */
  statuses: number[];
}

interface RawOperation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, unknown>;
}

const METHODS = ["get", "put", "post", "delete", "patch"];

/** Routes that describe the API rather than being part of it. */
const REFERENCE_ROUTES = new Set(["/api/openapi.json", "/api/docs"]);

/**
 * Every operation in the app's own `GET /api/openapi.json`, so that a test iterating over them
 * covers a new route the moment it is documented (and the OpenAPI test already fails when a
 * served route is not documented).
 */
export async function apiOperations(t: Pick<TestApp, "request">): Promise<ApiOperation[]> {
  const res = await t.request("/api/openapi.json");
  if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
  const doc = (await res.json()) as { paths: Record<string, Record<string, RawOperation>> };
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (REFERENCE_ROUTES.has(path)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const schema = op.requestBody?.content?.["application/json"]?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        bearer: (op.security ?? []).some((requirement) => "bearerAuth" in requirement),
        pathParams: (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
        body: schema ? { schema, required: op.requestBody?.required ?? false } : undefined,
        statuses: Object.keys(op.responses ?? {}).map(Number),
      });
    }
  }
  return operations;
}

/** The path with its `{param}`s replaced, each value percent-encoded unless `raw`. */
export function fillPath(path: string, values: Record<string, string>, raw = false): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return raw ? value : encodeURIComponent(value);
  });
}

/** A human name for an operation, for test titles: `PATCH /api/{userId}/tasks/{id}`. */
export const operationName = (op: Pick<ApiOperation, "method" | "path">) => `${op.method} ${op.path}`;

/**
 * The smallest body the schema accepts: required properties only, each with a plain value of its
 * type (the first enum value, a non-empty string, false, 0, an empty array).
 */
export function sampleBody(schema: JsonSchema): unknown {
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return sampleBody(variant);
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [name, sampleBody(schema.properties?.[name] ?? {})]),
      );
    case "array":
      return [];
    case "boolean":
      return false;
    case "integer":
    case "number":
      return 0;
    case "null":
      return null;
    default:
      return schema.format === "date-time" ? new Date().toISOString() : "sample";
  }
}
