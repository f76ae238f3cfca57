// Schedules: recurring or one-off sessions of a program on one or more zones.
import type { Hono } from "hono";
import { requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { scheduleBody } from "../contract/scheduling.ts";
import { createSchedule, disableSchedule, listSchedules, updateSchedule } from "../services/schedules.ts";
import type { ResourceDeps } from "./index.ts";

export function schedulesRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const scheduler = requireRole(...CAN.schedule);

  api.get("/schedules", async (c) => c.json({ schedules: await listSchedules(deps) }));

  api.post("/schedules", scheduler, zv("json", scheduleBody), async (c) => {
    const b = c.req.valid("json");
    const schedule = await createSchedule(deps, b);
    c.set("audit", { action: "schedule.create", entity: "schedule", entityId: schedule.id, detail: b });
    return c.json({ schedule }, 201);
  });

  api.put("/schedules/:id", scheduler, zv("param", idParam), zv("json", scheduleBody), async (c) => {
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    const schedule = await updateSchedule(deps, id, b);
    c.set("audit", { action: "schedule.update", entity: "schedule", entityId: id, detail: b });
    return c.json({ schedule });
  });

  api.delete("/schedules/:id", scheduler, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    await disableSchedule(deps, id);
    c.set("audit", { action: "schedule.disable", entity: "schedule", entityId: id });
    return c.json({ ok: true });
  });
}
