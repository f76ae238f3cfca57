// Emergency broadcasts (khẩn cấp, Circular 39/2020): air an item now on chosen zones,
// pre-empting what is airing, optionally repeated every N minutes until a time or until
// cancelled.
import type { Airing, Emergency } from "./generated/prisma/client.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { isUniqueViolation, type Db } from "./db/client.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import type { Queues } from "./queues.ts";
import { playoutJob } from "./jobs/catalogue.ts";
import type { Planner } from "./planner.ts";
import { AppError, notFound } from "./errors.ts";
import { localDateOf } from "./domain/time.ts";
import { approvalRequired } from "./approval.ts";
import type { PlayoutChannels } from "./playout-channels.ts";

export interface Emergencies {
  start(o: { itemId: number; zoneIds: number[]; repeatEveryMin?: number | null; until?: Date | null; userId: number | null }): Promise<{ emergency: Emergency; airings: Airing[] }>;
  cancel(id: number, userId: number | null): Promise<Emergency>;
  /** Creates the repeats due within the planning horizon; ends emergencies past `until`. */
  extendRepeats(): Promise<number>;
}

const LEAD_MS = 1500;
const REPEAT_WINDOW_HOURS = 6;

export function createEmergencies(deps: { db: Db; queues: Queues; config: Config; clock: Clock; logger: Logger; events: EventHub; planner: Planner; channels?: PlayoutChannels }): Emergencies {
  const { db, queues, clock, events, config } = deps;

  async function createAiring(e: Emergency, item: { id: number; durationMs: number }, zoneId: number, at: Date, tz: string): Promise<Airing> {
    return db.airing.create({
      data: {
        zoneId, emergencyId: e.id, source: "emergency", localDate: localDateOf(at, tz), scheduledStart: at, maxDurationMs: item.durationMs + 60_000,
        lines: { create: [{ position: 0, itemId: item.id, reason: "emergency", reasonVi: "Phát khẩn cấp", reasonEn: "Emergency broadcast", durationMs: item.durationMs }] },
      },
    });
  }

  return {
    async start(o) {
      const item = await db.item.findUnique({ where: { id: o.itemId } });
      if (!item || item.archived) throw notFound("item");
      if (item.kind !== "relay" && (item.status !== "ready" || !item.canonicalAssetId)) {
        throw new AppError(422, "ITEM_NOT_READY", "Tin bài chưa sẵn sàng để phát (đang xử lý hoặc lỗi).", "The item is not ready to air (still processing or failed).");
      }
      const zones = await db.zone.findMany({ where: { id: { in: o.zoneIds }, enabled: true } });
      if (zones.length !== new Set(o.zoneIds).size) throw new AppError(422, "UNKNOWN_ZONES", "Có cụm loa không tồn tại hoặc đang tắt.", "Some zones do not exist or are disabled.");
      if (o.until && o.until.getTime() <= clock.now().getTime()) throw new AppError(422, "BAD_UNTIL", "Thời điểm kết thúc phải ở tương lai.", "The end time must be in the future.");
      const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
      // Fail before writing anything: a 503 must not leave an emergency behind to air twice.
      await queues.ready();
      const startAt = new Date(clock.now().getTime() + LEAD_MS);
      // An emergency never waits for approval: an item not approved airs, flagged for review (server/approval.ts).
      const unapproved = item.approval !== "approved" && (await approvalRequired(db));
      const emergency = await db.emergency.create({
        data: { itemId: item.id, zoneIds: JSON.stringify(zones.map((z) => z.id)), repeatEveryMin: o.repeatEveryMin ?? null, until: o.until ?? null, startedAt: startAt, createdById: o.userId, unapproved },
      });
      const airings: Airing[] = [];
      for (const z of zones) {
        const a = await createAiring(emergency, item, z.id, startAt, tz);
        await queues.add(playoutJob(a.id)).catch((e: Error) => deps.logger.warn(`emergency airing ${a.id} left to reconciliation: ${e.message}`));
        airings.push(a);
      }
      events.publish("emergency.started", { emergencyId: emergency.id, zoneIds: zones.map((z) => z.id), itemId: item.id });
      if (emergency.repeatEveryMin) await this.extendRepeats().catch((e: Error) => deps.logger.warn(`emergency repeats deferred to the next tick: ${e.message}`));
      return { emergency, airings };
    },

    async cancel(id, userId) {
      const e = await db.emergency.findUnique({ where: { id } });
      if (!e) throw notFound("emergency");
      const updated = await db.emergency.update({ where: { id }, data: { status: "cancelled", endedAt: clock.now(), cancelledById: userId } });
      const future = await db.airing.findMany({ where: { emergencyId: id, status: { in: ["planned", "ready"] } } });
      for (const a of future) {
        await queues.remove(playoutJob(a.id)).catch(() => {});
        await db.airing.updateMany({ where: { id: a.id, status: { in: ["planned", "ready"] } }, data: { status: "cancelled", statusReason: "Đã hủy phát khẩn cấp / Emergency cancelled" } });
      }
      const airing = await db.airing.findMany({ where: { emergencyId: id, status: "airing" } });
      // Only the emergency's own airing: a claimed one may still be waiting for its zone
      // (it then sees the cancel itself) while a session plays there.
      for (const a of airing) await deps.channels?.interruptZone(a.zoneId, "emergency cancelled", { airingId: a.id });
      events.publish("emergency.cancelled", { emergencyId: id });
      return updated;
    },

    async extendRepeats() {
      const active = await db.emergency.findMany({ where: { status: "active", repeatEveryMin: { not: null } }, include: { item: true } });
      const now = clock.now().getTime();
      // Repeats are laid down a few hours ahead; each scheduler tick extends them.
      const horizonEnd = now + Math.min(config.PLAN_HORIZON_HOURS, REPEAT_WINDOW_HOURS) * 3600_000;
      const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
      let created = 0;
      for (const e of active) {
        const every = e.repeatEveryMin! * 60_000;
        const end = Math.min(e.until?.getTime() ?? Infinity, horizonEnd);
        if (e.until && e.until.getTime() <= now) {
          await db.emergency.update({ where: { id: e.id }, data: { status: "ended", endedAt: e.until } });
          continue;
        }
        const zoneIds = JSON.parse(e.zoneIds) as number[];
        for (let t = e.startedAt.getTime() + every; t <= end; t += every) {
          if (t < now) continue;
          // Cancelled meanwhile: stop at once rather than finish the window.
          if ((await db.emergency.findUnique({ where: { id: e.id }, select: { status: true } }))?.status !== "active") break;
          for (const zoneId of zoneIds) {
            const exists = await db.airing.findFirst({ where: { emergencyId: e.id, zoneId, scheduledStart: new Date(t) } });
            if (exists) continue;
            let a: Airing;
            try {
              a = await createAiring(e, e.item, zoneId, new Date(t), tz);
            } catch (err) {
              if (isUniqueViolation(err)) continue; // created concurrently
              throw err;
            }
            await deps.planner.enqueue(a);
            created++;
          }
        }
      }
      return created;
    },
  };
}
