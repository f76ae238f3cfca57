// The HTTP app, built from its dependencies so tests build exactly what production runs.
import fs from "node:fs";
import path from "node:path";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Redis } from "ioredis";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { isUniqueViolation, type Db } from "./db/client.ts";
import { AppError } from "./errors.ts";
import { withHttpStatus } from "./http/errors.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import { requestId } from "./http/request-id.ts";
import type { Queues } from "./queues.ts";
import { writeAudit } from "./audit.ts";
import { FallbackThrottleStore, LoginGuard, MemoryThrottleStore, RedisThrottleStore } from "./auth/rate-limit.ts";
import { bodyLimits, closeWithoutReading, hasUnreadBody, LOGIN_BODY_MAX_BYTES, UPLOAD_ENVELOPE_BYTES } from "./http/body.ts";
import { addressMatcher } from "../audio/net-policy.ts";
import { SESSION_COOKIE, loadSession } from "./auth/sessions.ts";
import { authRoutes } from "./http/auth.ts";
import { usersRoutes } from "./http/users.ts";
import { healthRoutes } from "./http/health.ts";
import type { RedisSupervision } from "./redis.ts";
import { settingsRoutes } from "./http/settings.ts";
import { mountQueueBoard } from "./http/queue-board.ts";
import { clientIp, resolveClientIp, socketAddress, type AppEnv } from "./http/context.ts";
// The request helpers live in server/http/context.ts; re-exported for existing importers.
export { clientIp, currentUser, requireRole, resolveClientIp, type AppEnv, type AuditNote } from "./http/context.ts";
import { openApiRoutes } from "./http/openapi.ts";

export interface AppDeps {
  db: Db;
  queues: Queues;
  redis: Redis;
  clock: Clock;
  config: Config;
  logger: Logger;
  events: EventHub;
  /** The Redis this process depends on, and whether it supervises it (for /api/health). */
  redisSupervision?: () => RedisSupervision;
  /** Sign-in throttling; default: kept in Redis under the queue prefix (shared by instances). */
  guard?: LoginGuard;
  /** Extra resource routers mounted under /api (added by later modules). */
  extraRoutes?: (api: Hono<AppEnv>, deps: AppDeps) => void;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// The contract (server/http/openapi.ts) is public: it describes the API, it holds no data.
const PUBLIC_API = new Set(["/api/health", "/api/auth/login", "/api/openapi.json", "/api/docs"]);
// Endpoints a user who must change the first password may still call.
const FIRST_LOGIN_ALLOWED = new Set(["/api/auth/me", "/api/auth/logout", "/api/auth/password"]);

export const WEB_NOT_BUILT_VI = "Giao diện web chưa được dựng (thiếu web/dist). Hãy chạy `npm run build` rồi khởi động lại; API vẫn hoạt động tại /api.";
export const WEB_NOT_BUILT_EN = "The web app is not built (web/dist is missing). Run `npm run build`, then restart; the API still works under /api.";
const WEB_NOT_BUILT_PAGE = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Loa Xã</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>Loa Xã</h1><p>${WEB_NOT_BUILT_VI}</p><p lang="en">${WEB_NOT_BUILT_EN}</p></body></html>`;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { db, clock, logger } = deps;
  const guard =
    deps.guard ??
    new LoginGuard(new FallbackThrottleStore(new RedisThrottleStore(deps.redis, `${deps.config.QUEUE_PREFIX}:login:`), new MemoryThrottleStore(), logger), () => clock.now().getTime());
  const trustedProxy = addressMatcher(deps.config.TRUSTED_PROXIES);
  const app = new Hono<AppEnv>();
  app.use("*", requestId(logger));

  // Headers on every answer, errors included. The SPA is built without inline script or
  // style, so 'self' suffices; media and images may come from blob:/data: (previews).
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Bull Board (admins only) styles its loading screen inline; nothing else may.
        styleSrc: [(c) => (c.req.path.startsWith("/admin/queues") ? "'self' 'unsafe-inline'" : "'self'")],
        imgSrc: ["'self'", "data:", "blob:"],
        mediaSrc: ["'self'", "blob:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      xFrameOptions: "DENY",
      referrerPolicy: "same-origin",
      // Not includeSubDomains: a commune's other sites may still be plain HTTP.
      strictTransportSecurity: "max-age=15552000",
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    }),
  );

  // Bodies are bounded before anything parses them (see server/http/body.ts).
  app.use(
    "*",
    bodyLimits({
      streamed: {
        "/api/items/upload": deps.config.UPLOAD_MAX_MB * 1024 * 1024 + UPLOAD_ENVELOPE_BYTES,
        "/api/directives/:id/attachment": deps.config.DIRECTIVE_FILE_MAX_MB * 1024 * 1024 + UPLOAD_ENVELOPE_BYTES,
        "/api/items/document": deps.config.DIRECTIVE_FILE_MAX_MB * 1024 * 1024 + UPLOAD_ENVELOPE_BYTES,
      },
      perPath: { "/api/auth/login": LOGIN_BODY_MAX_BYTES },
      jsonMaxBytes: deps.config.JSON_BODY_MAX_KB * 1024,
    }),
  );

  app.use("*", async (c, next) => {
    c.set("clientIp", resolveClientIp(socketAddress(c), c.req.header("x-forwarded-for"), trustedProxy));
    await next();
  });

  app.onError((thrown, c) => {
    // Refused before its body was read (too large, no session, bad upload): read no more.
    if (hasUnreadBody(c)) closeWithoutReading(c);
    const err = withHttpStatus(thrown);
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: `${err.messageVi} / ${err.messageEn}`, messageVi: err.messageVi, messageEn: err.messageEn, details: err.details } }, err.status);
    }
    if (isUniqueViolation(err)) {
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
  authRoutes(api, { ...deps, guard });
  usersRoutes(api, deps);
  healthRoutes(api, deps);
  settingsRoutes(api, deps);
  deps.extraRoutes?.(api, deps);
  openApiRoutes(api, () => app.routes);
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
  } else {
    // No build (a checkout run without `npm run build`): say so instead of a bare 404.
    deps.logger.warn(`${WEB_NOT_BUILT_EN} / ${WEB_NOT_BUILT_VI}`);
    app.get("*", async (c, next) => {
      if (c.req.path.startsWith("/api/") || c.req.path.startsWith("/admin/")) return next();
      return c.html(WEB_NOT_BUILT_PAGE, 503);
    });
  }
  return app;
}
