// GET /api/calendar?from=&to=: the sessions of any range of up to six weeks (the month view).
import type { Hono } from "hono";
import type { AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { calendarQuery } from "../contract/scheduling.ts";
import { calendar } from "../services/calendar.ts";
import type { ResourceDeps } from "./index.ts";

export function calendarRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  api.get("/calendar", zv("query", calendarQuery), async (c) => c.json(await calendar(deps, c.req.valid("query"))));
}
