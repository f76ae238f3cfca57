import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createTestEnv, createUser, signedIn, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.cleanup());

describe("accounts and roles", () => {
  it("rejects unauthenticated API calls with 401 and a bilingual message", async () => {
    const r = await new Client(env.app).req("GET", "/api/zones");
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("UNAUTHENTICATED");
    expect(r.json.error.messageVi).toBe("Bạn cần đăng nhập.");
    expect(r.json.error.messageEn).toBe("You need to sign in.");
  });

  it("sets an HttpOnly SameSite=Lax session cookie and requires the CSRF header for mutations", async () => {
    await createUser(env.db, "op1", "admin");
    const c = new Client(env.app);
    const r = await c.login("op1", "correct horse battery");
    expect(r.status).toBe(200);
    const cookie = r.res.headers.getSetCookie().find((s) => s.startsWith("lx_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const saved = c.csrf;
    c.csrf = "";
    const bad = await c.req("POST", "/api/categories", { code: "x1", nameVi: "Thử", nameEn: "Test" });
    expect(bad.status).toBe(403);
    expect(bad.json.error.code).toBe("CSRF");
    c.csrf = saved;
    const ok = await c.req("POST", "/api/categories", { code: "x1", nameVi: "Thử", nameEn: "Test" });
    expect(ok.status).toBe(201);
  });

  it("gives a viewer 403 on a mutation but lets it read", async () => {
    const viewer = await signedIn(env, "viewer");
    expect((await viewer.req("GET", "/api/zones")).status).toBe(200);
    const r = await viewer.req("POST", "/api/categories", { code: "viewer-cat", nameVi: "Thử", nameEn: "Test" });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("FORBIDDEN");
    expect(await env.db.category.count({ where: { code: "viewer-cat" } })).toBe(0);
  });

  it("writes an audit row for a mutation (who, what, when)", async () => {
    const admin = await signedIn(env, "admin", "auditor");
    const r = await admin.req("POST", "/api/categories", { code: "agriculture", nameVi: "Nông nghiệp", nameEn: "Agriculture" });
    expect(r.status).toBe(201);
    const row = await env.db.auditLog.findFirst({ where: { action: "category.create" }, include: { user: true }, orderBy: { id: "desc" } });
    expect(row?.user?.username).toBe("auditor");
    expect(row?.entityId).toBe(String(r.json.category.id));
    expect(row!.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("forces a first-login password change before anything else", async () => {
    await createUser(env.db, "newbie", "operator", "one-time-pass-123", true);
    const c = new Client(env.app);
    expect((await c.login("newbie", "one-time-pass-123")).json.user.mustChangePassword).toBe(true);
    const blocked = await c.req("GET", "/api/zones");
    expect(blocked.status).toBe(403);
    expect(blocked.json.error.code).toBe("PASSWORD_CHANGE_REQUIRED");
    const short = await c.req("POST", "/api/auth/password", { currentPassword: "one-time-pass-123", newPassword: "short" });
    expect(short.status).toBe(422);
    expect(short.json.error.details.fields[0].field).toBe("newPassword");
    const changed = await c.req("POST", "/api/auth/password", { currentPassword: "one-time-pass-123", newPassword: "a much better passphrase" });
    expect(changed.status).toBe(200);
    expect((await c.req("GET", "/api/zones")).status).toBe(200);
  });

  it("lets an admin create a user with a one-time password and nobody else", async () => {
    const admin = await signedIn(env, "admin");
    const r = await admin.req("POST", "/api/users", { username: "bientap", displayName: "Biên tập viên", role: "editor" });
    expect(r.status).toBe(201);
    expect(r.json.oneTimePassword).toMatch(/^[\w]{4}-[\w]{4}-[\w]{4}-[\w]{4}$/);
    const c = new Client(env.app);
    expect((await c.login("bientap", r.json.oneTimePassword)).json.user.mustChangePassword).toBe(true);
    const editor = await signedIn(env, "editor");
    expect((await editor.req("GET", "/api/users")).status).toBe(403);
  });

  it("rejects malformed JSON with 400 and wrong types with 422 naming the field", async () => {
    const admin = await signedIn(env, "admin");
    const malformed = await admin.req("POST", "/api/categories", "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.messageVi).toBeTruthy();
    const wrong = await admin.req("POST", "/api/categories", { code: 12, nameVi: "x", nameEn: "y" });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.details.fields.map((f: { field: string }) => f.field)).toContain("code");
  });
});
// Sign-in throttling, the queue dashboard and the role matrix: test/security/.
