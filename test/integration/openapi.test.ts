// The API contract: /api/openapi.json is a valid OpenAPI 3.1 document that describes exactly
// the routes the app serves (each way), with the request schemas the routes validate with,
// and /api/docs renders it without any outside asset.
import SwaggerParser from "@apidevtools/swagger-parser";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestEnv, Client, type TestEnv } from "../helpers/env.ts";
import { apiRoutes, openApiDocument } from "../../server/http/openapi.ts";
import { zv } from "../../server/http/validate.ts";
import type { RouterRoute } from "hono/types";

let env: TestEnv;
let doc: any;

beforeAll(async () => {
  env = await createTestEnv();
  const r = await new Client(env.app).req("GET", "/api/openapi.json");
  expect(r.status).toBe(200);
  doc = r.json;
});
afterAll(async () => {
  await env?.cleanup();
});

/** "METHOD /api/path" (Hono's :param form) for every operation of a document. */
const documented = (d: any) =>
  Object.entries(d.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ":$1")}`));

/** What the routes serve and the document lacks, and what the document has that no route serves. */
function disagreements(routes: RouterRoute[], d: any) {
  const served = [...apiRoutes(routes).keys()];
  const inDoc = documented(d);
  return { undocumented: served.filter((k) => !inDoc.includes(k)).sort(), unserved: inDoc.filter((k) => !served.includes(k)).sort() };
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 (swagger-parser)", async () => {
    expect(doc.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it("declares each path's parameters, a unique operationId, a summary and responses (what swagger-parser leaves unchecked for 3.1)", () => {
    const ids = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      const inPath = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values(ops)) {
        expect(op.parameters.filter((x: any) => x.in === "path").map((x: any) => x.name).sort(), p).toEqual(inPath);
        expect(op.summary, p).toBeTruthy();
        expect(Object.keys(op.responses).some((code) => /^2\d\d$/.test(code)), p).toBe(true);
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
      }
    }
  });

  it("describes every route the app serves, and no other", () => {
    const served = apiRoutes(env.app.routes);
    expect(served.size).toBeGreaterThan(80);
    expect(disagreements(env.app.routes, doc)).toEqual({ undocumented: [], unserved: [] });
  });

  it("fails the comparison when a route or an operation is added on one side only", () => {
    const app = new Hono();
    app.get("/api/items", (c) => c.text(""));
    app.get("/api/only-served", (c) => c.text(""));
    const d = openApiDocument(app.routes, { "GET /api/items": { summary: "x" }, "POST /api/only-documented": { summary: "y" } });
    expect(disagreements(app.routes, d)).toEqual({ undocumented: ["GET /api/only-served"], unserved: ["POST /api/only-documented"] });
  });

  it("carries the request schemas the routes validate with, and the roles they admit", () => {
    const create = doc.paths["/api/items"].post;
    expect(JSON.stringify(create.requestBody.content["application/json"].schema)).toContain('"relay"');
    expect(create["x-roles"]).toContain("editor");
    expect(doc.paths["/api/items"].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(["q", "cursor", "limit", "kind"]));
    expect(doc.paths["/api/items/{id}"].patch.parameters).toContainEqual(expect.objectContaining({ name: "id", in: "path", required: true }));
    expect(doc.paths["/api/users/{id}"].patch["x-roles"]).toEqual(["admin"]);
    expect(Object.keys(doc.paths["/api/items/upload"].post.requestBody.content)).toEqual(["multipart/form-data"]);
    expect(doc.paths["/api/schedules"].post.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["name", "programId", "startTime", "zoneIds"]));
    expect(doc.paths["/api/health"].get.security).toEqual([]);
  });

  it("reads the schema a validator was given, not a copy", () => {
    const app = new Hono();
    const body = z.object({ answer: z.number().int().min(42) });
    app.post("/api/x/:id", zv("param", z.object({ id: z.coerce.number() })), zv("json", body), (c) => c.text(""));
    const d: any = openApiDocument(app.routes, { "POST /api/x/:id": { summary: "x" } });
    expect(d.paths["/api/x/{id}"].post.requestBody.content["application/json"].schema.properties.answer).toEqual({ type: "integer", minimum: 42, maximum: Number.MAX_SAFE_INTEGER });
  });
});

describe("the reference page", () => {
  it("lists every operation and loads nothing from elsewhere", async () => {
    const res = await env.app.request("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const key of documented(doc)) expect(html).toContain(key.split(" ")[1]!.replace(/:(\w+)/g, "{$1}"));
    expect(html).not.toMatch(/<script|<link|src="http|href="http/i);
  });
});
