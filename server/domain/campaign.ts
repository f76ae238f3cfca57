// Campaigns (chiến dịch tuyên truyền trọng điểm): their rules, parsing from the database
// row, validation, and the per-campaign per-zone status (today and a per-day history).
import { invalid } from "./errors.ts";
import type { PeriodKind } from "./explain.ts";
import type { AsRunRecord } from "./frequency.ts";
import { addDays, daysBetween, isLocalDate, parseTimeOfDay, startOfIsoWeek } from "./time.ts";

export interface CampaignSpec {
  id: number;
  name: string;
  itemIds: readonly number[];
  /** Local dates, inclusive. */
  startDate: string;
  endDate: string;
  zoneIds: readonly number[] | "all";
  perDay?: number | null;
  perWeek?: number | null;
  /** "HH:MM-HH:MM" on the session's local start time; empty = any session. */
  windows: readonly string[];
  minGapMin: number;
  maxPerSession: number;
  enabled?: boolean;
}

/** The Prisma Campaign row with `include: { items: true, zones: true }`. */
export interface CampaignRowLike {
  id: number;
  name: string;
  startDate: string;
  endDate: string;
  perDay: number | null;
  perWeek: number | null;
  minGapMin: number;
  maxPerSession: number;
  windows: string; // JSON array
  allZones: boolean;
  enabled: boolean;
  items: readonly { itemId: number }[];
  zones: readonly { zoneId: number }[];
}

export interface TimeWindow {
  startMin: number;
  /** Exclusive; smaller than startMin when the window crosses midnight. */
  endMin: number;
}

function badCampaign(field: string, vi: string, en: string, value: unknown) {
  return invalid("INVALID_CAMPAIGN", vi, en, { field, value });
}

export function parseWindow(s: string): TimeWindow {
  const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(s.trim());
  const bad = () =>
    badCampaign(
      "windows",
      `Khung giờ không hợp lệ: "${s}". Cần dạng HH:MM-HH:MM, ví dụ 05:00-07:00.`,
      `Invalid time window: "${s}". Expected HH:MM-HH:MM, e.g. 05:00-07:00.`,
      s,
    );
  if (!m) throw bad();
  const w = { startMin: parseTimeOfDay(m[1]!, "windows"), endMin: parseTimeOfDay(m[2]!, "windows") };
  if (w.startMin === w.endMin) throw bad();
  return w;
}

/** Start inclusive, end exclusive; empty list = any time. */
export function windowsAllow(windows: readonly TimeWindow[], minuteOfDay: number): boolean {
  if (windows.length === 0) return true;
  return windows.some((w) =>
    w.startMin < w.endMin ? minuteOfDay >= w.startMin && minuteOfDay < w.endMin : minuteOfDay >= w.startMin || minuteOfDay < w.endMin,
  );
}

export function campaignSpecFromRow(row: CampaignRowLike): CampaignSpec {
  let windows: unknown;
  try {
    windows = JSON.parse(row.windows || "[]");
  } catch {
    windows = null;
  }
  if (!Array.isArray(windows) || windows.some((w) => typeof w !== "string")) {
    throw badCampaign("windows", "Danh sách khung giờ không hợp lệ.", "The list of time windows is invalid.", row.windows);
  }
  return {
    id: row.id,
    name: row.name,
    itemIds: row.items.map((i) => i.itemId).sort((a, b) => a - b),
    startDate: row.startDate,
    endDate: row.endDate,
    zoneIds: row.allZones ? "all" : row.zones.map((z) => z.zoneId).sort((a, b) => a - b),
    perDay: row.perDay,
    perWeek: row.perWeek,
    windows: windows as string[],
    minGapMin: row.minGapMin,
    maxPerSession: row.maxPerSession,
    enabled: row.enabled,
  };
}

/** Throws a DomainError (invalid: 422 over HTTP; Vietnamese + English) for the first invalid field. */
export function validateCampaign(c: CampaignSpec): void {
  if (!c.name.trim()) throw badCampaign("name", "Chiến dịch cần có tên.", "The campaign needs a name.", c.name);
  if (c.itemIds.length === 0) {
    throw badCampaign("itemIds", "Chiến dịch cần ít nhất một tin bài.", "The campaign needs at least one item.", c.itemIds);
  }
  for (const f of ["startDate", "endDate"] as const) {
    if (!isLocalDate(c[f])) throw badCampaign(f, `Ngày không hợp lệ (${f}): "${c[f]}".`, `Invalid date (${f}): "${c[f]}".`, c[f]);
  }
  if (c.startDate > c.endDate) {
    throw badCampaign("endDate", "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.", "The end date must be on or after the start date.", c.endDate);
  }
  if (!c.perDay && !c.perWeek) {
    throw badCampaign(
      "perDay",
      "Cần đặt số lần phát mỗi ngày và/hoặc mỗi tuần.",
      "Set a target number of airings per day and/or per week.",
      null,
    );
  }
  for (const f of ["perDay", "perWeek"] as const) {
    const v = c[f];
    if (v != null && (!Number.isInteger(v) || v < 0 || v > 1000)) {
      throw badCampaign(f, `Số lần phát không hợp lệ (${f}).`, `Invalid target (${f}).`, v);
    }
  }
  if (!Number.isInteger(c.maxPerSession) || c.maxPerSession < 1) {
    throw badCampaign("maxPerSession", "Số lần tối đa mỗi buổi phát phải từ 1 trở lên.", "The limit per session must be at least 1.", c.maxPerSession);
  }
  if (!Number.isInteger(c.minGapMin) || c.minGapMin < 0) {
    throw badCampaign("minGapMin", "Khoảng cách tối thiểu (phút) không được âm.", "The minimum gap (minutes) cannot be negative.", c.minGapMin);
  }
  if (c.zoneIds !== "all" && c.zoneIds.length === 0) {
    throw badCampaign("zoneIds", "Cần chọn ít nhất một cụm loa hoặc tất cả.", "Choose at least one zone, or all zones.", c.zoneIds);
  }
  c.windows.forEach(parseWindow);
}

export function campaignActiveOn(c: CampaignSpec, zoneId: number, localDate: string, zones?: ReadonlySet<number> | null): boolean {
  if (c.enabled === false || localDate < c.startDate || localDate > c.endDate) return false;
  if (c.zoneIds === "all") return true;
  return zones ? zones.has(zoneId) : c.zoneIds.includes(zoneId);
}

/**
 * Target for the period starting at `periodStart` (a date for "day", a Monday for "week").
 * A week the campaign only partly covers gets ceil(perWeek × activeDays / 7); 0 = no target.
 */
export function periodTarget(c: CampaignSpec, kind: PeriodKind, periodStart: string): number {
  if (kind === "day") return periodStart >= c.startDate && periodStart <= c.endDate ? (c.perDay ?? 0) : 0;
  const perWeek = c.perWeek ?? 0;
  const first = periodStart > c.startDate ? periodStart : c.startDate;
  const lastOfWeek = addDays(periodStart, 6);
  const last = lastOfWeek < c.endDate ? lastOfWeek : c.endDate;
  const days = first > last ? 0 : daysBetween(first, last) + 1;
  return days >= 7 ? perWeek : Math.ceil((perWeek * days) / 7);
}

// ---------------------------------------------------------------- status

/** A planned, not yet aired run-down line (not bumped). */
export interface PlannedLineRef {
  zoneId: number;
  itemId: number;
  localDate: string;
  /** Minute of day of the line's session start: when given, only window sessions count. */
  sessionMinute?: number;
}

export interface CampaignPeriodStatus {
  periodKind: PeriodKind;
  periodStart: string;
  target: number | null;
  aired: number; // completed as-run rows
  failed: number; // failed or interrupted
  planned: number;
  /** max(0, target − aired − planned); null without a target. */
  deficit: number | null;
}

export interface CampaignZoneStatus {
  campaignId: number;
  zoneId: number;
  today: CampaignPeriodStatus;
  week: CampaignPeriodStatus | null;
  /** One entry per day, oldest first. */
  history: CampaignPeriodStatus[];
}

export interface CampaignZoneStatusInput {
  campaign: CampaignSpec;
  zoneId: number;
  /** The commune's local date today. */
  today: string;
  asRun: readonly AsRunRecord[];
  planned?: readonly PlannedLineRef[];
  /** Dates with an eligible session on this zone (plays.ts): other days (weeks) get no target. */
  eligibleDates?: ReadonlySet<string>;
  /** History range, inclusive; defaults to the last 14 days of the campaign up to today. */
  historyFrom?: string;
  historyTo?: string;
}

export function campaignZoneStatus(input: CampaignZoneStatusInput): CampaignZoneStatus {
  const c = input.campaign;
  const items = new Set(c.itemIds);
  const week = startOfIsoWeek(input.today);
  const to = input.historyTo ?? (input.today < c.endDate ? input.today : c.endDate);
  const back = addDays(to, -13);
  const from = input.historyFrom ?? (back > c.startDate ? back : c.startDate);
  const byDay = new Map<string, { aired: number; failed: number; planned: number }>();
  const day = (d: string) => {
    let v = byDay.get(d);
    if (!v) byDay.set(d, (v = { aired: 0, failed: 0, planned: 0 }));
    return v;
  };
  const windows = c.windows.map(parseWindow);
  for (const r of input.asRun) {
    if (r.zoneId !== input.zoneId || r.itemId == null || !items.has(r.itemId)) continue;
    // Settled rows name the campaigns they count for (zones, dates and windows: plays.ts).
    if (r.campaignIds && !r.campaignIds.includes(c.id)) continue;
    const played = r.counted ?? r.status === "completed";
    if (played) day(r.localDate).aired++;
    else if (r.status === "failed" || r.status === "interrupted") day(r.localDate).failed++;
  }
  for (const p of input.planned ?? []) {
    if (p.zoneId !== input.zoneId || !items.has(p.itemId)) continue;
    if (p.sessionMinute !== undefined && !windowsAllow(windows, p.sessionMinute)) continue;
    day(p.localDate).planned++;
  }
  const eligible = input.eligibleDates;
  const status = (kind: PeriodKind, start: string, dates: string[]): CampaignPeriodStatus => {
    const active = dates.filter((d) => d >= c.startDate && d <= c.endDate);
    const sum = { aired: 0, failed: 0, planned: 0 };
    for (const d of active) {
      const v = byDay.get(d);
      if (v) {
        sum.aired += v.aired;
        sum.failed += v.failed;
        sum.planned += v.planned;
      }
    }
    const hasTarget = (kind === "day" ? !!c.perDay : !!c.perWeek) && (!eligible || active.some((d) => eligible.has(d)));
    const target = hasTarget ? periodTarget(c, kind, start) : null;
    return { periodKind: kind, periodStart: start, target, ...sum, deficit: target == null ? null : Math.max(0, target - sum.aired - sum.planned) };
  };
  const history: CampaignPeriodStatus[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) history.push(status("day", d, [d]));
  return {
    campaignId: c.id,
    zoneId: input.zoneId,
    today: status("day", input.today, [input.today]),
    week: c.perWeek ? status("week", week, Array.from({ length: 7 }, (_, i) => addDays(week, i))) : null,
    history,
  };
}
