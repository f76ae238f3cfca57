// The eligible sessions of each campaign × zone × period (sessions in the campaign's
// windows on days it is active), with how many are still to plan from each one on, and
// the even spread of the target over them.
import type { CalendarSession } from "../frequency.ts";
import { windowsAllow } from "../campaign.ts";
import { PERIOD_CAP, Table, type Keys } from "./keys.ts";
import type { Campaigns } from "./campaigns.ts";

export interface EligibleSessions {
  /** Starts in ascending order; frozen[i]: pending, not re-planned; open[i]: sessions still to plan from i on. */
  starts: number[];
  frozen: boolean[];
  open: number[];
  /** spreadCumulative of the target over these sessions, computed when first needed. */
  spread: number[] | null;
}

export interface Eligibility {
  /** (campaign row, period) → its eligible sessions. */
  cal: Table<EligibleSessions>;
  /** Whether a zone had any session in a period: zone index · PERIOD_CAP + period key. */
  zoneHadSession(zoneIndex: number, p: number): boolean;
}

/** expected[k] = airings the even spread expects before the k-th of n eligible sessions. */
export function spreadCumulative(target: number, n: number, cap: number): number[] {
  const cum = [0];
  let left = target;
  for (let i = 0; i < n; i++) {
    const share = Math.min(cap, Math.ceil(left / (n - i)), left);
    left -= share;
    cum.push(cum[i]! + share);
  }
  return cum;
}

export function indexEligibleSessions(calendar: readonly CalendarSession[], keys: Keys, campaigns: Campaigns): Eligibility {
  const cal = new Table<EligibleSessions>();
  const zonePeriods = new Set<number>();
  const sessions = [...calendar].sort((a, b) => a.startMs - b.startMs);
  for (const s of sessions) indexSession(s, keys, campaigns, cal, zonePeriods);
  for (const e of cal.values()) {
    e.open = new Array<number>(e.starts.length + 1).fill(0);
    for (let i = e.starts.length - 1; i >= 0; i--) e.open[i] = e.open[i + 1]! + (e.frozen[i] ? 0 : 1);
  }
  return { cal, zoneHadSession: (zi, p) => zonePeriods.has(zi * PERIOD_CAP + p) };
}

/** One session into the index: a function of its own for the reason given at planSession (plan.ts). */
function indexSession(s: CalendarSession, keys: Keys, campaigns: Campaigns, cal: Table<EligibleSessions>, zonePeriods: Set<number>): void {
  zonePeriods.add(keys.zk(s.zoneId) * PERIOD_CAP + keys.pk("day", s.localDate));
  zonePeriods.add(keys.zk(s.zoneId) * PERIOD_CAP + keys.pk("week", s.localDate));
  for (const c of campaigns.list) {
    if (!campaigns.active(c, s.zoneId, s.localDate) || !windowsAllow(c.windows, s.minuteOfDay)) continue;
    for (const kd of c.kinds) {
      const row = keys.ck(c.ci, s.zoneId), p = keys.pk(kd, s.localDate);
      let e = cal.get(row, p);
      if (!e) cal.set(row, p, (e = { starts: [], frozen: [], open: [], spread: null }));
      e.starts.push(s.startMs);
      e.frozen.push(s.frozen);
    }
  }
}
