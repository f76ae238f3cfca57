// The playout control port: what the API and the scheduler ask of the process that airs a
// zone (interrupt it, is this airing alive, re-plan when you can), and what a playout holds
// (the zone, one at a time). Implemented over Redis by worker/channels.ts; the process entry
// (server/runtime.ts) creates it and hands it to both sides.

export interface Playing {
  airingId: number;
  source: string;
  interrupt(reason: string): void;
}

export interface PlayoutChannels {
  /** Waits until the zone is free, then holds it until release() is called. Urgent
   *  (emergency) requests go ahead of everything else that is waiting. */
  acquire(zoneId: number, signal?: AbortSignal, opts?: { urgent?: boolean }): Promise<() => void>;
  setPlaying(zoneId: number, p: Playing | null): void;
  playing(zoneId: number): Playing | null;
  /** Interrupts the zone's current airing in whichever process runs it. */
  interruptZone(zoneId: number, reason: string, opts?: { exceptSource?: string; airingId?: number }): Promise<void>;
  /** Keeps an airing's liveness key fresh while it plays (a dead worker stops beating). */
  heartbeat(airingId: number): () => void;
  /** True while some worker is still airing this airing. */
  alive(airingId: number): Promise<boolean>;
  /** Asks the scheduler for a re-plan (coalesced: many requests, one pass). */
  requestReplan(): Promise<void>;
  /** Takes the pending re-plan request, if any (the scheduler's sweep). */
  takeReplanRequest(): Promise<boolean>;
  close(): Promise<void>;
}
