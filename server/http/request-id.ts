// A request id for every HTTP request: the caller's X-Request-Id when it is a sane token
// (a proxy may have set it), otherwise a new one. It is sent back in X-Request-Id and is
// on every log line written while the request is served, by whichever logger writes it.
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { withLogContext, type Logger } from "../logger.ts";

const SANE_ID = /^[\w.:-]{1,128}$/;

export function requestId(logger: Logger): MiddlewareHandler {
  const log = logger.child("http");
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const id = given && SANE_ID.test(given) ? given : randomUUID();
    const started = performance.now();
    await withLogContext({ requestId: id }, async () => {
      await next();
      c.header("X-Request-Id", id);
      log.debug(`${c.req.method} ${c.req.path} ${c.res.status} ${Math.round(performance.now() - started)} ms`);
    });
  };
}
