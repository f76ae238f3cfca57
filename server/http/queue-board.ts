// Bull Board for admins at /admin/queues.
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { loadSession, SESSION_COOKIE } from "../auth/sessions.ts";
import { clientIp, type AppEnv } from "./context.ts";
import type { AppDeps } from "../app.ts";
import { writeAudit } from "../audit.ts";
import { AppError } from "../errors.ts";

const foreign = () => new AppError(403, "CSRF", "Yêu cầu không đến từ trang quản trị.", "The request did not come from the queue dashboard.");

/** The host of an Origin/Referer value; null for "null", garbage or a missing value. */
function originHost(v: string | undefined): string | null {
  if (!v || v === "null") return null;
  try {
    return new URL(v).host;
  } catch {
    return null;
  }
}

export function mountQueueBoard(app: Hono<AppEnv>, deps: AppDeps) {
  const adapter = new HonoAdapter(serveStatic);
  createBullBoard({ queues: Object.values(deps.queues.byName).map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  adapter.setBasePath("/admin/queues");
  app.use("/admin/queues/*", async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const s = token ? await loadSession(deps.db, token, deps.clock.now()) : null;
    if (!s) throw new AppError(401, "UNAUTHENTICATED", "Bạn cần đăng nhập.", "You need to sign in.");
    if (s.user.role !== "admin" || s.user.mustChangePassword) throw new AppError(403, "FORBIDDEN", "Chỉ quản trị viên được xem hàng đợi.", "Only administrators may view the queues.");
    // Bull Board's own requests cannot carry our CSRF header: its mutations (retry, clean,
    // remove) must at least come from this origin.
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    // A sandboxed or privacy-stripped request sends "Origin: null": refused like a foreign one.
    const from = originHost(c.req.header("origin")) ?? (c.req.header("origin") ? null : originHost(c.req.header("referer")));
    const host = c.req.header("host");
    if (!from || !host || from !== host) throw foreign();
    await next();
    // Retry, clean, remove, pause…: who did what to which queue or job.
    if (c.res.status < 400) {
      const rest = c.req.path.replace(/^\/admin\/queues\/api\//, "");
      await writeAudit(deps.db, { userId: s.user.id, action: `queue.${c.req.method.toLowerCase()}`, entity: "queue", entityId: rest.split("/")[1] ?? "", detail: { path: rest }, ip: clientIp(c) }, deps.clock.now());
    }
  });
  app.route("/admin/queues", adapter.registerPlugin());
}
