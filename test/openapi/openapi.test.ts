import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listQuerySchema, taskInputSchema, taskSchema } from "../../src/shared/task.schemas.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

// The parts of an OpenAPI 3.1 document these tests read.
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  enum?: string[];
}
interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<
    string,
    { content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> } | undefined
  >;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
}

let t: TestApp;
let doc: OpenApiDocument;
beforeAll(async () => {
  t = await createTestApp();
  doc = await (await t.request("/api/openapi.json")).json();
});
afterAll(() => t.close());

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/**
 * Routes that are not part of the API the document describes: the document itself, its
 * interactive viewer and the viewer's assets. Paths outside /api are the web app's pages.
 */
const isReferenceRoute = (path: string) =>
  !path.startsWith("/api/") || path === "/api/openapi.json" || path === "/api/docs" || path.startsWith("/api/docs/");

/** "METHOD /path" for every route the app serves, in OpenAPI's path syntax. */
function servedRoutes(): string[] {
  const lines = t.app.routes
    .filter((route) => route.method !== "ALL")
    .map((route) => ({ method: route.method, path: route.path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}") }))
    .filter((route) => !isReferenceRoute(route.path))
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(lines)].sort();
}

function documentedRoutes(): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

const operation = (method: string, path: string): Operation => {
  const op = doc.paths[path]?.[method];
  if (!op) throw new Error(`${method} ${path} is not documented`);
  return op;
};

const LIST = "/api/{userId}/tasks";
const ONE = "/api/{userId}/tasks/{id}";
const COMPLETE = "/api/{userId}/tasks/{id}/complete";

/** Each task route and the error statuses it can answer (and so must document). */
const taskRoutes: { method: string; path: string; errors: string[] }[] = [
  { method: "get", path: LIST, errors: ["400", "401", "403"] },
  { method: "post", path: LIST, errors: ["400", "401", "403", "413", "415"] },
  { method: "get", path: ONE, errors: ["401", "403", "404"] },
  { method: "put", path: ONE, errors: ["400", "401", "403", "404", "412", "413", "415"] },
  { method: "patch", path: ONE, errors: ["400", "401", "403", "404", "412", "413", "415"] },
  { method: "delete", path: ONE, errors: ["401", "403", "404"] },
  { method: "patch", path: COMPLETE, errors: ["400", "401", "403", "404", "412", "413", "415"] },
];
const asCases = <T extends { method: string; path: string }>(routes: T[]) =>
  routes.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const);

const taskFields = Object.keys(taskSchema.shape).sort();
const inputFields = Object.keys(taskInputSchema.shape).sort();
const SERVER_FIELDS = ["id", "createdAt", "updatedAt", "completedAt"];

describe("GET /api/openapi.json", () => {
  it("serves an OpenAPI 3.1 document as JSON", async () => {
    const res = await t.request("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it("documents every route the app serves, and nothing it does not serve", () => {
    expect(documentedRoutes()).toEqual(servedRoutes());
    expect(servedRoutes()).toEqual(
      expect.arrayContaining(taskRoutes.map((route) => `${route.method.toUpperCase()} ${route.path}`)),
    );
  });

  it("declares the bearer token scheme the task routes use", () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});

describe("each task route", () => {
  it.each(asCases(taskRoutes))("%s requires the bearer token and documents its path parameters", (_, route) => {
    const op = operation(route.method, route.path);
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    const pathParams = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
    expect(pathParams.sort()).toEqual(route.path.includes("{id}") ? ["id", "userId"] : ["userId"]);
  });

  it.each(asCases(taskRoutes))("%s documents exactly the errors it can answer, as problem+json", (_, route) => {
    const op = operation(route.method, route.path);
    const errors = Object.keys(op.responses).filter((status) => status.startsWith("4"));
    expect(errors.sort()).toEqual(route.errors);
    for (const status of errors) {
      const schema = op.responses[status]?.content?.["application/problem+json"]?.schema;
      expect(schema?.properties?.code?.enum).toEqual(expect.arrayContaining(["validation_failed", "not_found"]));
      expect(schema?.required).toEqual(expect.arrayContaining(["type", "title", "status", "code", "detail"]));
    }
  });

  it.each(asCases(taskRoutes.filter((route) => route.method !== "delete" && route.path !== LIST)))(
    "%s documents the task it answers with and its ETag",
    (_, route) => {
      const op = operation(route.method, route.path);
      const success = op.responses[route.method === "post" ? "201" : "200"];
      expect(Object.keys(success?.content?.["application/json"]?.schema.properties ?? {}).sort()).toEqual(taskFields);
      expect(Object.keys(success?.headers ?? {})).toContain("ETag");
    },
  );

  it("POST documents the Location of the new task", () => {
    expect(Object.keys(operation("post", LIST).responses["201"]?.headers ?? {})).toContain("Location");
  });

  it("DELETE documents 204", () => {
    expect(operation("delete", ONE).responses["204"]).toBeDefined();
  });

  it("the list documents every query parameter, and the page it answers with", () => {
    const op = operation("get", LIST);
    const query = (op.parameters ?? []).filter((p) => p.in === "query");
    expect(query.map((p) => p.name).sort()).toEqual(Object.keys(listQuerySchema.shape).sort());
    expect(query.every((p) => !p.required)).toBe(true);
    const page = op.responses["200"]?.content?.["application/json"]?.schema;
    expect(Object.keys(page?.properties ?? {}).sort()).toEqual(["nextCursor", "tasks"]);
  });

  it.each([
    ["PUT", "put", ONE, "if-match"],
    ["PATCH", "patch", ONE, "if-match"],
    ["complete", "patch", COMPLETE, "if-match"],
    ["GET", "get", ONE, "if-none-match"],
  ])("%s documents its conditional header", (_, method, path, header) => {
    const headers = (operation(method, path).parameters ?? []).filter((p) => p.in === "header");
    expect(headers.map((p) => p.name.toLowerCase())).toContain(header);
  });

  it("GET one documents 304 Not Modified", () => {
    expect(operation("get", ONE).responses["304"]).toBeDefined();
  });
});

describe("request bodies", () => {
  const bodyOf = (method: string, path: string) => {
    const body = operation(method, path).requestBody;
    return { required: body?.required ?? false, schema: body?.content["application/json"]?.schema };
  };

  it.each([
    ["POST", "post"],
    ["PUT", "put"],
  ])("%s takes a task with title required, the other fields optional, and no others", (_, method) => {
    const { required, schema } = bodyOf(method, method === "post" ? LIST : ONE);
    expect(required).toBe(true);
    expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(inputFields);
    expect(schema?.required).toEqual(["title"]);
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.properties?.priority?.enum).toEqual(["none", "low", "medium", "high"]);
  });

  it("PATCH takes the same fields, none of them required, and no others", () => {
    const { required, schema } = bodyOf("patch", ONE);
    expect(required).toBe(true);
    expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(inputFields);
    expect(schema?.required ?? []).toEqual([]);
    expect(schema?.additionalProperties).toBe(false);
  });

  it("complete takes an optional body with only completed", () => {
    const { required, schema } = bodyOf("patch", COMPLETE);
    expect(required).toBe(false);
    expect(Object.keys(schema?.properties ?? {})).toEqual(["completed"]);
    expect(schema?.additionalProperties).toBe(false);
  });

  it("never offers a field the server owns", () => {
    for (const [method, path] of [
      ["post", LIST],
      ["put", ONE],
      ["patch", ONE],
      ["patch", COMPLETE],
    ] as const) {
      const fields = Object.keys(bodyOf(method, path).schema?.properties ?? {});
      for (const field of SERVER_FIELDS) expect(fields).not.toContain(field);
    }
  });
});

describe("GET /api/docs", () => {
  it("serves the interactive reference as an HTML page", async () => {
    const res = await t.request("/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  });
});
