// The HTTP app, built from its dependencies so tests build exactly what production runs.
import fs from "node:fs";
import path from "node:path";
import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Redis } from "ioredis";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { AppError } from "./errors.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import type { Queues } from "./queues.ts";
import { writeAudit } from "./audit.ts";
import { FailureLimiter } from "./auth/rate-limit.ts";
import { SESSION_COOKIE, loadSession, type AuthSession, type AuthUser } from "./auth/sessions.ts";
import type { Role } from "./auth/roles.ts";
import { authRoutes } from "./routes/auth.ts";
import { usersRoutes } from "./routes/users.ts";
import { healthRoutes } from "./routes/health.ts";
import { settingsRoutes } from "./routes/settings.ts";
import { mountQueueBoard } from "./routes/queue-board.ts";

export interface AppDeps {
  db: Db;
  queues: Queues;
  redis: Redis;
  clock: Clock;
  config: Config;
  logger: Logger;
  events: EventHub;
  limiter?: FailureLimiter;
  /** Extra resource routers mounted under /api (added by later modules). */
  extraRoutes?: (api: Hono<AppEnv>, deps: AppDeps) => void;
}

export interface AuditNote {
  action?: string;
  entity?: string;
  entityId?: string | number;
  detail?: unknown;
}

export type AppEnv = {
  Variables: {
    session: AuthSession | null;
    user: AuthUser | null;
    audit: AuditNote | undefined;
  };
};

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const PUBLIC_API = new Set(["/api/health", "/api/auth/login"]);
// Endpoints a user who must change the first password may still call.
const FIRST_LOGIN_ALLOWED = new Set(["/api/auth/me", "/api/auth/logout", "/api/auth/password"]);

export function clientIp(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

export function currentUser(c: Context<AppEnv>): AuthUser {
  const u = c.get("user");
  if (!u) throw new AppError(401, "UNAUTHENTICATED", "Bạn cần đăng nhập.", "You need to sign in.");
  return u;
}

export const requireRole = (...roles: readonly Role[]) =>
  async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const u = currentUser(c);
    if (!roles.includes(u.role)) {
      throw new AppError(403, "FORBIDDEN", "Bạn không có quyền thực hiện thao tác này.", "You do not have permission to do this.");
    }
    await next();
  };

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { db, clock, logger } = deps;
  const limiter = deps.limiter ?? new FailureLimiter(5, 15 * 60_000, () => clock.now().getTime());
  const app = new Hono<AppEnv>();

  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: `${err.messageVi} / ${err.messageEn}`, messageVi: err.messageVi, messageEn: err.messageEn, details: err.details } }, err.status);
    }
    if ((err as { code?: string }).code === "P2002") {
      // A unique constraint caught a concurrent or repeated create.
      const vi = "Dữ liệu đã tồn tại (trùng lặp).";
      const en = "That already exists (duplicate).";
      return c.json({ error: { code: "DUPLICATE", message: `${vi} / ${en}`, messageVi: vi, messageEn: en } }, 409);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const malformed = status === 400;
      const vi = malformed ? "Yêu cầu không hợp lệ (dữ liệu gửi lên bị lỗi định dạng)." : "Yêu cầu không được chấp nhận.";
      const en = malformed ? `Bad request: ${err.message || "malformed body"}.` : err.message || "Request rejected.";
      return c.json({ error: { code: malformed ? "BAD_REQUEST" : "HTTP_" + status, message: `${vi} / ${en}`, messageVi: vi, messageEn: en } }, status);
    }
    logger.error(`unhandled error on ${c.req.method} ${c.req.path}`, err);
    const vi = "Lỗi hệ thống, vui lòng thử lại.";
    const en = "Internal error; please try again.";
    return c.json({ error: { code: "INTERNAL", message: `${vi} / ${en}`, messageVi: vi, messageEn: en } }, 500);
  });

  app.notFound((c) => {
    const vi = "Không tìm thấy địa chỉ này.";
    const en = "No such endpoint.";
    return c.json({ error: { code: "NOT_FOUND", message: `${vi} / ${en}`, messageVi: vi, messageEn: en } }, 404);
  });

  // Session, CSRF and first-login gate for the API.
  app.use("/api/*", async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await loadSession(db, token, clock.now()) : null;
    c.set("session", session);
    c.set("user", session?.user ?? null);
    c.set("audit", undefined);
    const p = c.req.path;
    if (!PUBLIC_API.has(p)) {
      if (!session) throw new AppError(401, "UNAUTHENTICATED", "Bạn cần đăng nhập.", "You need to sign in.");
      if (MUTATING.has(c.req.method) && c.req.header("x-csrf-token") !== session.csrfToken) {
        throw new AppError(403, "CSRF", "Phiên làm việc không hợp lệ, vui lòng tải lại trang.", "Missing or wrong CSRF token; reload the page.");
      }
      if (session.user.mustChangePassword && !FIRST_LOGIN_ALLOWED.has(p)) {
        throw new AppError(403, "PASSWORD_CHANGE_REQUIRED", "Bạn phải đổi mật khẩu trước khi tiếp tục.", "You must change your password first.");
      }
    }
    await next();
    // Every successful mutation leaves an audit row (who, what, when).
    const user = c.get("user");
    if (MUTATING.has(c.req.method) && c.res.status < 400 && p !== "/api/auth/login") {
      const note = c.get("audit") ?? {};
      const segs = p.split("/").filter(Boolean);
      await writeAudit(
        db,
        {
          userId: user?.id ?? null,
          action: note.action ?? `${c.req.method} ${p}`,
          entity: note.entity ?? segs[1] ?? "api",
          entityId: note.entityId ?? segs[2],
          detail: note.detail,
          ip: clientIp(c),
        },
        clock.now(),
      );
    }
  });

  const api = new Hono<AppEnv>();
  authRoutes(api, { ...deps, limiter });
  usersRoutes(api, deps);
  healthRoutes(api, deps);
  settingsRoutes(api, deps);
  deps.extraRoutes?.(api, deps);
  app.route("/api", api);

  mountQueueBoard(app, deps);

  // The operator SPA, built by Vite into web/dist.
  const webRoot = path.resolve(import.meta.dirname, "../web/dist");
  if (fs.existsSync(path.join(webRoot, "index.html"))) {
    const rel = path.relative(process.cwd(), webRoot) || ".";
    app.use("/assets/*", serveStatic({ root: rel }));
    app.get("*", async (c, next) => {
      if (c.req.path.startsWith("/api/") || c.req.path.startsWith("/admin/")) return next();
      const file = path.join(webRoot, path.normalize(c.req.path).replace(/^(\.\.[/\\])+/, ""));
      if (file.startsWith(webRoot) && fs.existsSync(file) && fs.statSync(file).isFile()) return serveStatic({ root: rel })(c, next);
      return c.html(fs.readFileSync(path.join(webRoot, "index.html"), "utf8"));
    });
  }
  return app;
}
