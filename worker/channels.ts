// One output channel per zone: airings on a zone run one at a time (zones run in
// parallel), and an emergency can interrupt whatever a zone is airing. Within a process a
// waiter queue serialises a zone; across machines a Redis lock does (worker/zone-lock.ts).
// Interrupts travel over Redis pub/sub so they reach the process that owns the playout.
import type { Redis } from "ioredis";
import type { Clock } from "../server/clock.ts";
import type { Config } from "../server/config.ts";
import type { Db } from "../server/db/client.ts";
import type { EventHub } from "../server/events.ts";
import type { Logger } from "../server/logger.ts";
import type { PlayoutChannels, Playing } from "../server/playout-channels.ts";
import { createRedisZoneLock } from "./zone-lock.ts";

const BEAT_MS = 2000;
const BEAT_TTL_MS = 8000;

export function createPlayoutChannels(opts: {
  db: Db;
  config: Config;
  events: EventHub;
  logger: Logger;
  workerId: string;
  clock: Clock;
  subscriber?: Redis;
  publisher?: Redis;
  channel: string;
}): PlayoutChannels {
  type Waiter = { grant: () => void; urgent: boolean };
  const held = new Set<number>();
  const waiting = new Map<number, Waiter[]>();
  const current = new Map<number, Playing>();
  const grantNext = (zoneId: number) => {
    const q = waiting.get(zoneId);
    const next = q?.shift();
    if (!next) {
      held.delete(zoneId);
      waiting.delete(zoneId);
      return;
    }
    next.grant();
  };
  const { logger } = opts;
  const zoneLock = opts.publisher ? createRedisZoneLock(opts.publisher, opts.channel, opts.workerId, logger) : null;

  // Same-process waiters: urgent (emergency) ones queue ahead of normal ones.
  const acquireLocal = async (zoneId: number, signal: AbortSignal | undefined, urgent: boolean): Promise<void> => {
    if (!held.has(zoneId)) {
      held.add(zoneId);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const w: Waiter = { grant: resolve, urgent };
      const q = waiting.get(zoneId) ?? [];
      // Urgent waiters queue behind earlier urgent ones but ahead of every normal one.
      const at = urgent ? q.findIndex((x) => !x.urgent) : -1;
      if (at >= 0) q.splice(at, 0, w);
      else q.push(w);
      waiting.set(zoneId, q);
      signal?.addEventListener(
        "abort",
        () => {
          const i = q.indexOf(w);
          if (i >= 0) {
            q.splice(i, 1);
            reject(signal.reason);
          }
        },
        { once: true },
      );
    });
  };

  const interruptLocal = (zoneId: number, reason: string, exceptSource?: string, airingId?: number) => {
    const p = current.get(zoneId);
    if (p && p.source !== exceptSource && (airingId === undefined || p.airingId === airingId)) {
      logger.info(`interrupting airing ${p.airingId} on zone ${zoneId}: ${reason}`);
      p.interrupt(reason);
    }
  };

  if (opts.subscriber) {
    opts.subscriber.on("error", (e) => logger.debug(`control channel: ${e.message}`));
    opts.subscriber.on("message", (ch: string, msg: string) => {
      if (ch !== opts.channel) return;
      try {
        const m = JSON.parse(msg) as { type: string; zoneId: number; reason: string; exceptSource?: string; airingId?: number };
        if (m.type === "interrupt") interruptLocal(m.zoneId, m.reason, m.exceptSource, m.airingId);
      } catch {
        /* not ours */
      }
    });
    opts.subscriber.subscribe(opts.channel).catch((e: Error) => logger.warn(`control subscribe failed: ${e.message}`));
  }

  return {
    async acquire(zoneId, signal, o = {}) {
      await acquireLocal(zoneId, signal, !!o.urgent);
      let remote: () => Promise<void> = async () => {};
      try {
        if (zoneLock) remote = await zoneLock.acquire(zoneId, { urgent: o.urgent, signal });
      } catch (err) {
        grantNext(zoneId);
        throw err;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        current.delete(zoneId);
        void remote();
        grantNext(zoneId);
      };
    },
    setPlaying(zoneId, p) {
      if (p) current.set(zoneId, p);
      else current.delete(zoneId);
    },
    playing: (zoneId) => current.get(zoneId) ?? null,
    async interruptZone(zoneId, reason, o = {}) {
      interruptLocal(zoneId, reason, o.exceptSource, o.airingId);
      if (opts.publisher) {
        await opts.publisher.publish(opts.channel, JSON.stringify({ type: "interrupt", zoneId, reason, exceptSource: o.exceptSource, airingId: o.airingId })).catch(() => {});
      }
    },
    heartbeat(airingId) {
      const key = `${opts.channel}:alive:${airingId}`;
      const beat = () => void opts.publisher?.set(key, opts.workerId, "PX", BEAT_TTL_MS).catch(() => {});
      beat();
      const t = setInterval(beat, BEAT_MS);
      return () => {
        clearInterval(t);
        void opts.publisher?.del(key).catch(() => {});
      };
    },
    async alive(airingId) {
      if (!opts.publisher) return false;
      return (await opts.publisher.exists(`${opts.channel}:alive:${airingId}`)) === 1;
    },
    async requestReplan() {
      await opts.publisher?.set(`${opts.channel}:replan`, String(opts.clock.now().getTime()));
    },
    async takeReplanRequest() {
      if (!opts.publisher) return false;
      return (await opts.publisher.del(`${opts.channel}:replan`)) === 1;
    },
    async close() {
      for (const p of current.values()) p.interrupt("shutdown");
      if (opts.subscriber) await opts.subscriber.quit().catch(() => {});
    },
  };
}
