// Who may do what: the role matrix, CSRF on every mutating route, the queue dashboard,
// health by audience, headers on API answers, and secrets that never leave the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../server/auth/roles.ts";
import { Client, createTestEnv, signedIn, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
const clients = {} as Record<Role, Client>;
beforeAll(async () => {
  env = await createTestEnv();
  for (const r of ROLES) clients[r] = await signedIn(env, r);
}, 120_000);
afterAll(async () => env?.cleanup());

describe("role matrix", () => {
  // One representative request per permission; the body is valid enough to pass
  // validation where it matters, but "allowed" only means "not refused for the role".
  const matrix: { req: [string, string, unknown?]; allowed: Role[] }[] = [
    { req: ["POST", "/api/categories", { code: "ma-tran", nameVi: "Ma trận", nameEn: "Matrix" }], allowed: ["admin", "editor", "operator"] },
    { req: ["POST", "/api/items", { kind: "tts", title: "Thử", text: "Xin chào" }], allowed: ["admin", "editor", "operator"] },
    { req: ["POST", "/api/programs", { name: "Chương trình" }], allowed: ["admin", "editor", "operator"] },
    { req: ["POST", "/api/schedules", {}], allowed: ["admin", "operator"] },
    { req: ["POST", "/api/emergencies", {}], allowed: ["admin", "operator"] },
    { req: ["POST", "/api/airings/air-now", {}], allowed: ["admin", "operator"] },
    { req: ["POST", "/api/zones", {}], allowed: ["admin"] },
    { req: ["PUT", "/api/commune", { name: "Kiến Minh" }], allowed: ["admin"] },
    { req: ["GET", "/api/users"], allowed: ["admin"] },
    { req: ["POST", "/api/users", {}], allowed: ["admin"] },
    { req: ["POST", "/api/reports/monthly", { month: "2026-10" }], allowed: ["admin", "editor", "operator", "leader"] },
    { req: ["POST", "/api/items/999999/approval", { decision: "approve" }], allowed: ["admin", "leader"] },
    { req: ["PUT", "/api/settings/approval", { required: false }], allowed: ["admin"] },
    { req: ["POST", "/api/alerts/999999/ack"], allowed: ["admin", "editor", "operator"] },
    { req: ["GET", "/api/alerts/settings"], allowed: ["admin"] },
    { req: ["PUT", "/api/alerts/settings", { webhookUrl: "" }], allowed: ["admin"] },
    { req: ["POST", "/api/alerts/webhook-test", {}], allowed: ["admin"] },
  ];
  for (const { req, allowed } of matrix) {
    it(`${req[0]} ${req[1]}: ${allowed.join(", ")} only`, async () => {
      for (const role of ROLES) {
        const r = await clients[role].req(req[0], req[1], req[2]);
        if (allowed.includes(role)) expect(r.status, `${role} ${r.status} ${JSON.stringify(r.json)}`).not.toBe(403);
        else {
          expect(r.status, role).toBe(403);
          expect(r.json.error.code, role).toBe("FORBIDDEN");
        }
      }
    });
  }

  it("every role may read, nobody signed out may", async () => {
    for (const p of ["/api/zones", "/api/items", "/api/programs", "/api/asrun", "/api/categories"]) {
      for (const role of ROLES) expect((await clients[role].req("GET", p)).status, `${role} ${p}`).toBe(200);
      expect((await new Client(env.app).req("GET", p)).status, p).toBe(401);
    }
  });
});

describe("CSRF", () => {
  it("every mutating API route refuses a signed-in admin without the CSRF header (403 CSRF)", async () => {
    const admin = await signedIn(env, "admin");
    const token = admin.csrf;
    admin.csrf = "";
    const routes = [...new Set(env.app.routes.filter((r) => /^(POST|PUT|PATCH|DELETE)$/.test(r.method) && r.path.startsWith("/api/") && r.path !== "/api/auth/login").map((r) => `${r.method} ${r.path}`))];
    expect(routes.length).toBeGreaterThan(25);
    for (const route of routes) {
      const [method, p] = route.split(" ") as [string, string];
      const r = await admin.req(method, p.replace(/:\w+/g, "1"), {});
      expect(r.status, route).toBe(403);
      expect(r.json.error.code, route).toBe("CSRF");
    }
    // A wrong token is no better than none.
    admin.csrf = "x".repeat(token.length);
    expect((await admin.req("POST", "/api/categories", { code: "csrf", nameVi: "x", nameEn: "x" })).status).toBe(403);
    admin.csrf = token;
    expect((await admin.req("POST", "/api/categories", { code: "csrf", nameVi: "x", nameEn: "x" })).status).toBe(201);
  }, 60_000);
});

describe("queue dashboard (/admin/queues)", () => {
  it("is for admins only", async () => {
    expect((await new Client(env.app).req("GET", "/admin/queues")).status).toBe(401);
    expect((await clients.viewer.req("GET", "/admin/queues")).status).toBe(403);
    expect((await clients.operator.req("GET", "/admin/queues/api/queues")).status).toBe(403);
    const r = await clients.admin.req("GET", "/admin/queues/api/queues");
    expect(r.status).toBe(200);
    expect(r.json.queues.map((q: { name: string }) => q.name).sort()).toEqual(["ingest", "playout", "render", "report"]);
  });

  it("refuses mutations from another origin, from Origin: null, or with no origin (403, not 500)", async () => {
    for (const headers of [{ origin: "https://evil.example" }, { origin: "null" }, { origin: "not a url" }, {}, { referer: "null" }] as Record<string, string>[]) {
      const r = await clients.admin.req("PUT", "/admin/queues/api/queues/ingest/pause", undefined, { host: "localhost", ...headers });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.json.error.code).toBe("CSRF");
    }
    expect(await env.queues.byName.ingest.isPaused()).toBe(false);
  });

  it("audits every mutation it lets through (who, what, which queue)", async () => {
    const r = await clients.admin.req("PUT", "/admin/queues/api/queues/ingest/pause", undefined, { origin: "http://localhost", host: "localhost" });
    expect(r.status).toBe(200);
    expect(await env.queues.byName.ingest.isPaused()).toBe(true);
    await clients.admin.req("PUT", "/admin/queues/api/queues/ingest/resume", undefined, { origin: "http://localhost", host: "localhost" });
    expect(await env.queues.byName.ingest.isPaused()).toBe(false);
    const rows = await env.db.auditLog.findMany({ where: { entity: "queue" }, orderBy: { id: "asc" }, include: { user: true } });
    expect(rows.map((x) => [x.action, x.entityId, JSON.parse(x.detail).path])).toEqual([
      ["queue.put", "ingest", "queues/ingest/pause"],
      ["queue.put", "ingest", "queues/ingest/resume"],
    ]);
    expect(rows[0]!.user!.role).toBe("admin");
  });
});

describe("health by audience", () => {
  it("tells a stranger only up or down, a signed-in user what failed, an admin everything and which ffmpeg", async () => {
    const anon = await new Client(env.app).req("GET", "/api/health");
    expect(anon.status).toBe(200);
    expect(anon.json).toEqual({ status: "ok" });
    const viewer = await clients.viewer.req("GET", "/api/health");
    expect(viewer.json).toEqual({ status: "ok", failed: [] });
    const admin = await clients.admin.req("GET", "/api/health");
    expect(admin.json.checks.ffmpeg).toMatchObject({ ok: true, source: "system", path: "/usr/bin/ffmpeg" });
    expect(admin.json.checks.ffprobe).toMatchObject({ ok: true, source: "system", path: "/usr/bin/ffprobe" });
    expect(admin.json.checks.ffmpeg.version).toMatch(/^ffmpeg version 5\./);
    expect(admin.json.checks.queues.counts).toBeDefined();
  });
});

describe("headers on API answers", () => {
  it("JSON, errors included, carry the CSP, nosniff and no-framing headers", async () => {
    for (const [p, status, who] of [["/api/health", 200, new Client(env.app)], ["/api/zones", 401, new Client(env.app)], ["/api/nothing-here", 404, clients.viewer]] as const) {
      const r = await who.req("GET", p);
      expect(r.status).toBe(status);
      expect(r.res.headers.get("content-security-policy"), p).toContain("frame-ancestors 'none'");
      expect(r.res.headers.get("content-security-policy"), p).toContain("script-src 'self'");
      expect(r.res.headers.get("x-content-type-options"), p).toBe("nosniff");
      expect(r.res.headers.get("x-frame-options"), p).toBe("DENY");
    }
  });
});

describe("secrets and paths", () => {
  it("never shows a zone's stream password to anyone, nor writes it to the audit log", async () => {
    const z = await clients.admin.req("POST", "/api/zones", { code: "ice", name: "IP", outputKind: "icecast", outputConfig: { host: "radio.xa.example", port: 8000, mount: "/x.mp3", password: "S3cretPass" } });
    expect(z.status).toBe(201);
    expect(JSON.stringify(z.json)).not.toContain("S3cretPass");
    for (const role of ROLES) expect(JSON.stringify((await clients[role].req("GET", "/api/zones")).json)).not.toContain("S3cretPass");
    expect(JSON.stringify(await env.db.auditLog.findMany())).not.toContain("S3cretPass");
    expect(JSON.stringify((await clients.admin.req("GET", "/api/health")).json)).not.toContain("S3cretPass");
  });

  it("does not send the stored Icecast password to a new host: it must be typed again", async () => {
    const z = await clients.admin.req("POST", "/api/zones", { code: "ice2", name: "IP 2", outputKind: "icecast", outputConfig: { host: "radio.xa.example", port: 8000, mount: "/y.mp3", password: "Giu-Bi-Mat" } });
    const id = z.json.zone.id;
    const stored = async () => JSON.parse((await env.db.zone.findUniqueOrThrow({ where: { id } })).outputConfig);
    // Same server, blank password: the stored one is kept.
    const same = await clients.admin.req("PUT", `/api/zones/${id}`, { code: "ice2", name: "IP 2 mới", outputKind: "icecast", outputConfig: { host: "radio.xa.example", port: 8000, mount: "/y2.mp3", password: "" } });
    expect(same.status).toBe(200);
    expect((await stored()).password).toBe("Giu-Bi-Mat");
    for (const change of [{ host: "attacker.example", port: 8000 }, { host: "radio.xa.example", port: 9000 }]) {
      const moved = await clients.admin.req("PUT", `/api/zones/${id}`, { code: "ice2", name: "IP 2", outputKind: "icecast", outputConfig: { ...change, mount: "/y.mp3", password: "" } });
      expect(moved.status, JSON.stringify(change)).toBe(422);
      expect(moved.json.error.code).toBe("ICECAST_PASSWORD_REQUIRED");
      expect(moved.json.error.messageVi).toContain("nhập lại mật khẩu");
      expect(await stored()).toMatchObject({ host: "radio.xa.example", port: 8000 });
    }
    const retyped = await clients.admin.req("PUT", `/api/zones/${id}`, { code: "ice2", name: "IP 2", outputKind: "icecast", outputConfig: { host: "radio2.xa.example", port: 8000, mount: "/y.mp3", password: "Mat-Khau-Moi" } });
    expect(retyped.status).toBe(200);
    expect(await stored()).toMatchObject({ host: "radio2.xa.example", password: "Mat-Khau-Moi" });
  });

  it("confines file outputs to DATA_DIR/air and refuses an ALSA device that ffmpeg would read as an option", async () => {
    for (const dir of ["../../etc", "/etc", "a/../../b", ".."]) {
      const r = await clients.admin.req("POST", "/api/zones", { code: `f${Math.random().toString(36).slice(2, 7)}`, name: "Tệp", outputKind: "file", outputConfig: { dir } });
      expect(r.status, dir).toBe(422);
      expect(r.json.error.code).toBe("BAD_OUTPUT_DIR");
    }
    for (const device of ["-y", "-i", "--help", "-f alsa"]) {
      const r = await clients.admin.req("POST", "/api/zones", { code: `a${Math.random().toString(36).slice(2, 7)}`, name: "Sound card", outputKind: "alsa", outputConfig: { device } });
      expect(r.status, device).toBe(422);
      expect(r.json.error.code).toBe("BAD_OUTPUT_CONFIG");
    }
    const ok = await clients.admin.req("POST", "/api/zones", { code: "alsa-ok", name: "Sound card", outputKind: "alsa", outputConfig: { device: "plughw:0,0" }, workerGroup: "may-a" });
    expect(ok.status).toBe(201);
  });
});
