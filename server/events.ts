// Live events (now playing, airing status, item progress) for SSE clients. Workers may
// run in other processes, so events travel over Redis pub/sub; local listeners get them
// from the same channel, which keeps one code path for single- and multi-machine setups.
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import type { Logger } from "./logger.ts";

export interface LiveEvent {
  type: string;
  at: string;
  [key: string]: unknown;
}

export interface EventHub {
  publish(type: string, payload: Record<string, unknown>): void;
  subscribe(fn: (e: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

export function createEventHub(opts: { publisher?: Redis; subscriber?: Redis; channel: string; logger: Logger; now?: () => Date }): EventHub {
  const local = new EventEmitter();
  local.setMaxListeners(1000);
  const now = opts.now ?? (() => new Date());
  const { publisher, subscriber, channel } = opts;
  if (subscriber) {
    subscriber.on("message", (ch: string, msg: string) => {
      if (ch !== channel) return;
      try {
        local.emit("event", JSON.parse(msg));
      } catch {
        /* a foreign message on our channel: ignore */
      }
    });
    subscriber.subscribe(channel).catch((err: Error) => opts.logger.warn(`event subscribe failed: ${err.message}`));
  }
  return {
    publish(type, payload) {
      const e: LiveEvent = { type, at: now().toISOString(), ...payload };
      if (publisher) publisher.publish(channel, JSON.stringify(e)).catch(() => local.emit("event", e));
      else local.emit("event", e);
    },
    subscribe(fn) {
      local.on("event", fn);
      return () => local.off("event", fn);
    },
    async close() {
      local.removeAllListeners();
      if (subscriber) await subscriber.quit().catch(() => {});
    },
  };
}
