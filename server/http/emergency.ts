// Emergency broadcasts: start on chosen zones now, optionally repeating; cancel.
import type { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { createEmergencies } from "../emergencies.ts";
import { airTextEmergency } from "../emergency-text.ts";
import { ttsVoice } from "../contract/items.ts";
import { listEmergencies } from "../services/emergencies.ts";
import type { ResourceDeps } from "./index.ts";

const startBody = z.object({
  itemId: z.number().int().positive(),
  zoneIds: z.array(z.number().int().positive()).min(1).max(200).transform((ids) => [...new Set(ids)]),
  repeatEveryMin: z.number().int().min(5).max(24 * 60).nullable().optional(),
  until: z.iso.datetime({ offset: true }).nullable().optional(),
});

const textBody = z.object({
  text: z.string().trim().min(1).max(5000),
  voice: ttsVoice.default("vi"),
  zoneIds: startBody.shape.zoneIds,
  repeatEveryMin: startBody.shape.repeatEveryMin,
  until: startBody.shape.until,
});

export function emergencyRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const emergencies = createEmergencies({ ...deps, planner: deps.planner, channels: deps.channels });
  const operator = requireRole(...CAN.schedule);

  api.get("/emergencies", async (c) =>
    c.json({ emergencies: await listEmergencies(deps) }),
  );

  api.post("/emergencies", operator, zv("json", startBody), async (c) => {
    const b = c.req.valid("json");
    const r = await emergencies.start({ itemId: b.itemId, zoneIds: b.zoneIds, repeatEveryMin: b.repeatEveryMin ?? null, until: b.until ? new Date(b.until) : null, userId: currentUser(c).id });
    c.set("audit", { action: "emergency.start", entity: "emergency", entityId: r.emergency.id, detail: { ...b, ...(r.emergency.unapproved ? { unapproved: true } : {}) } });
    return c.json(r, 201);
  });

  // One step: the typed text is spoken, normalised and put on air (server/emergency-text.ts).
  api.post("/emergencies/text", operator, zv("json", textBody), async (c) => {
    const b = c.req.valid("json");
    const r = await airTextEmergency({ ...deps, emergencies }, { text: b.text, voice: b.voice, zoneIds: b.zoneIds, repeatEveryMin: b.repeatEveryMin ?? null, until: b.until ? new Date(b.until) : null, userId: currentUser(c).id });
    c.set("audit", { action: "emergency.start", entity: "emergency", entityId: r.emergency.id, detail: { fromText: true, chars: b.text.length, itemId: r.item.id, zoneIds: b.zoneIds, spokenMs: r.spokenMs, ...(r.emergency.unapproved ? { unapproved: true } : {}) } });
    return c.json(r, 201);
  });

  api.post("/emergencies/:id/cancel", operator, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const emergency = await emergencies.cancel(id, currentUser(c).id);
    c.set("audit", { action: "emergency.cancel", entity: "emergency", entityId: id });
    return c.json({ emergency });
  });
}
