// "Missed, no make-good": a campaign × zone × period the horizon touches, with an eligible
// session, none of which starts at or after the horizon's end, and aired + planned below
// target. Its cause is the strongest blocker seen, else failed airings / no session left.
import { shortfallText, type ShortfallCause } from "../explain.ts";
import { dateRange, localDateOf } from "../time.ts";
import type { Shortfall } from "../frequency.ts";
import type { EngineParts } from "./parts.ts";

const CAUSE_ORDER: ShortfallCause[] = ["session_full", "min_gap", "per_session_cap", "no_eligible_items"];

export function findShortfalls(parts: EngineParts, range: { fromMs: number; toMs: number }, zoneIds: readonly number[], zoneNames?: ReadonlyMap<number, string>): Shortfall[] {
  if (!(range.toMs > range.fromMs)) return [];
  const { keys, campaigns, ledger, eligibility, timeZone } = parts;
  const dates = dateRange(localDateOf(range.fromMs, timeZone), localDateOf(range.toMs - 1, timeZone));
  const out: Shortfall[] = [];
  const seen = new Set<string>();
  for (const c of campaigns.list) {
    const zones = c.zones ? [...c.zones].sort((a, b) => a - b) : zoneIds;
    for (const z of zones) {
      for (const d of dates) {
        if (!campaigns.active(c, z, d)) continue;
        for (const kind of c.kinds) {
          const p = keys.pk(kind, d);
          const row = keys.ck(c.ci, z);
          const seenKey = `${row}|${p}`;
          if (seen.has(seenKey)) continue;
          seen.add(seenKey);
          const tgt = campaigns.target(c, kind, d);
          const e = eligibility.cal.get(row, p);
          const last = e?.starts[e.starts.length - 1];
          // No eligible session in the period: no target (plays.ts), so nothing can fall short.
          if (tgt <= 0 || !e || (last !== undefined && last >= range.toMs)) continue; // still open
          const a = ledger.aired.get(row, p) ?? 0, pl = ledger.planned.get(row, p) ?? 0;
          if (a + pl >= tgt) continue;
          const bs = ledger.blockers.get(row, p);
          const cause: ShortfallCause =
            CAUSE_ORDER.find((x) => bs?.has(x)) ??
            (!e ? (eligibility.zoneHadSession(keys.zk(z), p) && c.windows.length > 0 ? "no_session_in_window" : "no_session")
              : (ledger.failed.get(row, p) ?? 0) > 0 ? "failed_airings" : "no_session_left");
          const periodStart = keys.periodStart(kind, d);
          const t = shortfallText({
            minGapMin: c.spec.minGapMin,
            maxPerSession: c.spec.maxPerSession,
            windows: c.spec.windows,
            campaignName: c.spec.name,
            zoneName: zoneNames?.get(z) ?? String(z),
            period: kind,
            periodStart,
            target: tgt,
            aired: a,
            planned: pl,
            cause,
          });
          out.push({ campaignId: c.spec.id, zoneId: z, periodKind: kind, periodStart, target: tgt, aired: a, planned: pl, cause, reasonVi: t.vi, reasonEn: t.en });
        }
      }
    }
  }
  return out;
}
