// The structured logger: pino's redaction removes secrets from the JSON lines, and every
// line written while an API request is served carries the request's id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hono } from "hono";
import { requestId } from "../../server/http/request-id.ts";
import { createLogger, REDACTED, type Logger } from "../../server/logger.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";

/** A logger writing JSON lines into an array. */
function capture(level: "debug" | "info" = "debug"): { logger: Logger; lines: string[]; records: () => Record<string, any>[] } {
  const lines: string[] = [];
  const logger = createLogger(level, "test", { format: "json", destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l)) };
}

describe("secrets in logged objects", () => {
  it("are replaced by the redaction censor in the JSON line, the rest kept", () => {
    const { logger, lines, records } = capture();
    logger.child("outputs").warn("output config", {
      zone: "z1",
      output: { kind: "icecast", host: "stream.example", user: "source", password: "hunter2-icecast" },
      request: { headers: { authorization: "Basic c291cmNlOmh1bnRlcjI=", cookie: "loaxa_session=abc123secret" } },
      apiKey: "sk-live-42",
      token: "tok-77",
      tts: { fptKey: "fpt-key-5150", viettelToken: "vt-token-8086", headers: { "api-key": "fpt-key-5150" } },
    });
    expect(lines).toHaveLength(1);
    for (const secret of ["hunter2-icecast", "c291cmNlOmh1bnRlcjI=", "abc123secret", "sk-live-42", "tok-77", "fpt-key-5150", "vt-token-8086"]) expect(lines[0]).not.toContain(secret);
    const [r] = records();
    expect(r!.msg).toBe("output config");
    expect(r!.scope).toBe("test:outputs");
    expect(r!.extra.output).toEqual({ kind: "icecast", host: "stream.example", user: "source", password: REDACTED });
    expect(r!.extra.request.headers).toEqual({ authorization: REDACTED, cookie: REDACTED });
    expect(r!.extra.apiKey).toBe(REDACTED);
    expect(r!.extra.token).toBe(REDACTED);
    expect(r!.extra.zone).toBe("z1");
  });

  it("binds a child's fields to each of its lines", () => {
    const { logger, records } = capture();
    logger.child("playout", { airingId: 12, zone: "thon-1" }).info("started");
    expect(records()[0]).toMatchObject({ scope: "test:playout", airingId: 12, zone: "thon-1", msg: "started" });
  });
});

describe("request ids", () => {
  let env: TestEnv;
  const log = capture();
  beforeAll(async () => {
    env = await createTestEnv({ logger: log.logger, withRoutes: false });
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it("are sent back in X-Request-Id and appear on the request's log line", async () => {
    const res = await env.app.request("/api/health");
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = log.records().find((r) => r.requestId === id);
    expect(line?.msg).toMatch(/^GET \/api\/health \d{3} \d+ ms$/);
  });

  it("keep a sane id given by the caller (a proxy), and replace one that is not", async () => {
    const given = await env.app.request("/api/health", { headers: { "x-request-id": "proxy-7f3a.1" } });
    expect(given.headers.get("x-request-id")).toBe("proxy-7f3a.1");
    expect(log.records().some((r) => r.requestId === "proxy-7f3a.1")).toBe(true);
    const bad = await env.app.request("/api/health", { headers: { "x-request-id": "a b\"<script>" } });
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("are on every line written while the request is served, by whichever logger (a service's)", async () => {
    const service = capture();
    const app = new Hono();
    app.use("*", requestId(log.logger));
    app.get("/api/probe", async (c) => {
      service.logger.info("looked something up");
      await new Promise((r) => setTimeout(r, 5));
      service.logger.child("db").warn("slow query");
      return c.json({ ok: true });
    });
    const [a, b] = await Promise.all([app.request("/api/probe"), app.request("/api/probe")]);
    const ids = [a.headers.get("x-request-id"), b.headers.get("x-request-id")];
    expect(ids[0]).not.toBe(ids[1]);
    const lines = service.records();
    expect(lines).toHaveLength(4);
    for (const id of ids) expect(lines.filter((r) => r.requestId === id).map((r) => r.msg)).toEqual(["looked something up", "slow query"]);
    service.logger.info("outside any request");
    expect(service.records()[4]!.requestId).toBeUndefined();
  });
});
