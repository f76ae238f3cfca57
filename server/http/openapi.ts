// The API contract as an OpenAPI 3.1 document, generated from the routes themselves: the
// operations table (./operations.ts) names and describes each route, and each route's zod
// validators (zv) and role guard (requireRole) give its parameters, body and roles.
import type { Hono } from "hono";
import type { RouterRoute } from "hono/types";
import { z } from "zod";
import type { AppEnv } from "./context.ts";
import { REQUIRES_ROLE, VALIDATES, type Validates } from "./meta.ts";
import { OPERATIONS, type Operation } from "./operations.ts";

type Json = Record<string, unknown>;

const toJson = (schema: z.ZodType): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
};

/** "/api/items/:id" → "/api/items/{id}" */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

/** The API routes an app serves, "METHOD /api/path", one per route (its middlewares folded in). */
export function apiRoutes(routes: RouterRoute[]): Map<string, RouterRoute[]> {
  const byKey = new Map<string, RouterRoute[]>();
  for (const r of routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api/")) continue;
    const key = `${r.method} ${r.path}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  return byKey;
}

const ERROR = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "messageVi", "messageEn"],
      properties: { code: { type: "string" }, message: { type: "string" }, messageVi: { type: "string" }, messageEn: { type: "string" }, details: {} },
    },
  },
};

function parametersOf(where: "path" | "query", schema: z.ZodType | undefined, pathNames: string[]): Json[] {
  const names = new Set(where === "path" ? pathNames : []);
  const props = schema ? ((toJson(schema).properties ?? {}) as Record<string, Json>) : {};
  const required = new Set(schema ? ((toJson(schema).required ?? []) as string[]) : []);
  for (const n of Object.keys(props)) names.add(n);
  return [...names].map((name) => ({ name, in: where, required: where === "path" || required.has(name), schema: props[name] ?? { type: "string" } }));
}

function operationOf(key: string, op: Operation, handlers: RouterRoute[]): Json {
  const [method, path] = key.split(" ") as [string, string];
  const validators = new Map<string, z.ZodType>();
  let roles: readonly string[] | undefined;
  for (const h of handlers) {
    const v = (h.handler as { [VALIDATES]?: Validates })[VALIDATES];
    if (v) validators.set(v.target, v.schema);
    roles = (h.handler as { [REQUIRES_ROLE]?: readonly string[] })[REQUIRES_ROLE] ?? roles;
  }
  const pathNames = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const json = validators.get("json");
  const fields = op.multipart ? toJson(op.multipart) : null;
  const requestBody = json
    ? { required: true, content: { "application/json": { schema: toJson(json) } } }
    : fields
      ? {
          required: true,
          content: {
            "multipart/form-data": {
              schema: { type: "object", properties: { file: { type: "string", contentMediaType: "application/octet-stream" }, ...(fields.properties as Json) }, required: ["file", ...((fields.required ?? []) as string[])] },
            },
          },
        }
      : undefined;
  const success = String(op.status ?? 200);
  const content = Object.fromEntries((op.produces ?? ["application/json"]).map((t) => [t, {}]));
  const errorResponse = { description: "Refused (the code says why)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  return {
    operationId: `${method.toLowerCase()}${path.replace(/^\/api/, "").replace(/[/:{}.-]+(\w)?/g, (_, ch: string | undefined) => (ch ?? "").toUpperCase())}`,
    summary: op.summary,
    tags: [path.split("/")[2]!],
    ...(op.public ? { security: [] } : {}),
    ...(roles ? { "x-roles": [...roles] } : {}),
    parameters: [...parametersOf("path", validators.get("param"), pathNames), ...parametersOf("query", validators.get("query"), [])],
    ...(requestBody ? { requestBody } : {}),
    responses: { [success]: { description: "Done", content }, "4XX": errorResponse, "5XX": errorResponse },
  };
}

/** The document of the operations in OPERATIONS, with what the served routes validate. */
export function openApiDocument(routes: RouterRoute[], operations: Record<string, Operation> = OPERATIONS): Json {
  const served = apiRoutes(routes);
  const paths: Record<string, Json> = {};
  for (const [key, op] of Object.entries(operations)) {
    const [method, path] = key.split(" ") as [string, string];
    const p = (paths[openApiPath(path)] ??= {});
    p[method.toLowerCase()] = operationOf(key, op, served.get(key) ?? []);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Loa Xã API", version: "1", description: "Scheduling and airing for commune loudspeaker systems. Every mutation needs the X-CSRF-Token header from /api/auth/me." },
    servers: [{ url: "/" }],
    security: [{ session: [] }],
    paths,
    components: {
      schemas: { Error: ERROR },
      securitySchemes: { session: { type: "apiKey", in: "cookie", name: "lx_session" } },
    },
  };
}

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);

/** A readable page of the document, made on the server: no script, no external asset. */
export function docsPage(doc: Json): string {
  const sections = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const params = (op.parameters as Json[]).map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ", required" : ""}): <code>${esc(JSON.stringify(p.schema))}</code></li>`).join("");
      const body = op.requestBody ? `<details><summary>Request body</summary><pre>${esc(JSON.stringify(op.requestBody, null, 2))}</pre></details>` : "";
      const roles = op["x-roles"] ? `<p>Roles: ${esc((op["x-roles"] as string[]).join(", "))}</p>` : "";
      return `<section id="${esc(op.operationId)}"><h3><code>${esc(method.toUpperCase())} ${esc(path)}</code></h3><p>${esc(op.summary)}</p>${roles}${params ? `<ul>${params}</ul>` : ""}${body}</section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Loa Xã API</title></head><body><h1>Loa Xã API</h1><p>${esc((doc.info as Json).description)} The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a>.</p>${sections.join("\n")}</body></html>`;
}

/** GET /api/openapi.json and GET /api/docs, describing the routes `routes()` returns at request time. */
export function openApiRoutes(api: Hono<AppEnv>, routes: () => RouterRoute[]) {
  let doc: Json | null = null;
  const current = () => (doc ??= openApiDocument(routes()));
  api.get("/openapi.json", (c) => c.json(current()));
  api.get("/docs", (c) => c.html(docsPage(current())));
}
