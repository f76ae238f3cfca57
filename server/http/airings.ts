// Planned and past airings (buổi phát) with their run-down lines and reasons.
import type { Hono } from "hono";
import { currentUser, requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { airingListQuery, airNowBody } from "../contract/scheduling.ts";
import { airNow, cancelAiring, getAiring, listAirings } from "../services/airings.ts";
import type { ResourceDeps } from "./index.ts";

export function airingsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  api.get("/airings", zv("query", airingListQuery), async (c) => {
    const { rows: airings, nextCursor } = await listAirings(deps, c.req.valid("query"));
    return c.json({ airings, nextCursor });
  });

  api.get("/airings/:id", zv("param", idParam), async (c) => c.json({ airing: await getAiring(deps, c.req.valid("param").id) }));

  // Manual "air now" of a program on chosen zones.
  api.post("/airings/air-now", requireRole(...CAN.schedule), zv("json", airNowBody), async (c) => {
    const body = c.req.valid("json");
    const airings = await airNow(deps, body, currentUser(c).id);
    c.set("audit", { action: "airing.air_now", entity: "program", entityId: body.programId, detail: { zoneIds: body.zoneIds, airingIds: airings.map((a) => a.id) } });
    return c.json({ airings }, 201);
  });

  api.post("/airings/:id/cancel", requireRole(...CAN.schedule), zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const airing = await cancelAiring(deps, id);
    c.set("audit", { action: "airing.cancel", entity: "airing", entityId: id });
    return c.json({ airing });
  });
}
