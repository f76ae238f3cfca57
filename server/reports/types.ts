// The broadcast report: every number comes from the as-run log (AsRun) and the airing
// records (Airing), never from the plan.
//
// Counting rules (the same everywhere: API, CSV, XLSX, PDF):
// - An "airing of an item" (lượt phát) is one AsRun row with status "completed".
// - Airtime is the sum of AsRun.durationMs over rows that were actually on air
//   (status "completed" or "interrupted"); "relay" items (itemKind = relay, e.g. VOV)
//   count as relayed airtime, everything else (audio, tts) as own content.
// - A "session aired" (buổi phát) is one Airing (one session on one zone) with status
//   "aired" or "interrupted". `sessionSlots` counts distinct start instants among them,
//   i.e. the sessions as listeners hear them across all zones.
// - A date belongs to the report when the row's localDate (commune calendar date)
//   lies in [from, to]; nothing is recomputed from UTC instants.

export interface ReportCommune {
  name: string;
  unitName: string;
  place: string;
  timeZone: string;
}

export interface ReportPeriod {
  from: string; // YYYY-MM-DD inclusive
  to: string; // YYYY-MM-DD inclusive
  days: number;
  key: string; // e.g. "2026-10"
  labelVi: string; // e.g. "tháng 10/2026"
  labelEn: string;
}

export interface SessionStatusCounts {
  aired: number;
  interrupted: number;
  failed: number;
  missed: number;
  cancelled: number;
}

export interface ItemStatusCounts {
  completed: number;
  interrupted: number;
  failed: number;
  skipped: number;
}

export interface ReportTotals {
  sessionsAired: number; // airings with status aired | interrupted
  sessionSlots: number; // distinct scheduled starts among them
  sessionsBySource: { schedule: number; manual: number; emergency: number };
  programsAired: number; // distinct programs among aired sessions
  programDays: number; // distinct (program, date) pairs: "56 daily programs"
  itemsDistinct: number; // distinct items with at least one completed airing
  itemAirings: number; // completed as-run rows
  airtimeMinutes: number;
  ownMinutes: number;
  relayMinutes: number;
  emergencySessions: number; // aired sessions with source emergency
  emergencyItemAirings: number; // completed as-run rows with source emergency
  makeGoodAirings: number; // completed as-run rows with source make_good
  sessionStatus: SessionStatusCounts;
  itemStatus: ItemStatusCounts;
}

export interface CategoryRow {
  categoryId: number | null; // null = items without a topic
  code: string;
  nameVi: string;
  nameEn: string;
  itemsDistinct: number;
  airings: number;
  airtimeMinutes: number;
}

export type PriorityLevel = "normal" | "priority" | "emergency";

export interface PriorityRow {
  priority: PriorityLevel | string;
  labelVi: string;
  labelEn: string;
  itemsDistinct: number;
  airings: number;
  airtimeMinutes: number;
}

export interface ZoneRow {
  zoneId: number;
  code: string;
  name: string;
  village: string;
  sessionsAired: number;
  sessionsInterrupted: number;
  sessionsFailed: number;
  sessionsMissed: number;
  airings: number;
  airtimeMinutes: number;
}

export interface ItemRow {
  itemId: number | null; // null = item deleted since it aired
  title: string;
  kind: string;
  categoryId: number | null;
  categoryNameVi: string;
  priority: string;
  airings: number;
  airtimeMinutes: number;
  interrupted: number;
  failed: number;
  skipped: number;
}

export interface DayRow {
  date: string;
  sessionsAired: number;
  sessionProblems: number; // interrupted + failed + missed sessions
  airings: number;
  airtimeMinutes: number;
  emergencyAirings: number;
}

export interface EmergencyRow {
  date: string;
  emergencyId: number | null;
  itemId: number | null;
  title: string;
  sessions: number; // aired emergency sessions (one per zone and repeat)
  zones: number;
}

export interface ProblemAiring {
  airingId: number;
  date: string;
  scheduledStart: Date;
  zoneName: string;
  programName: string;
  status: "failed" | "interrupted" | "missed" | string;
  reason: string;
}

export interface CampaignRow {
  campaignId: number;
  name: string;
  startDate: string;
  endDate: string;
  enabled: boolean;
  perDay: number | null;
  perWeek: number | null;
  overlapFrom: string;
  overlapTo: string;
  overlapDays: number;
  zones: number;
  targetPerZone: number;
  target: number;
  aired: number; // completed as-run rows carrying this campaignId, inside the overlap
  makeGoods: number; // of which source = make_good
  compliancePct: number; // aired / target × 100 (capped at 100), 100 when target is 0
  zonesBelowTarget: number;
  shortfalls: number; // Shortfall rows whose periodStart lies in the range
  shortfallMissing: number; // Σ (target − aired) over those rows
}

export interface BroadcastReport {
  period: ReportPeriod;
  commune: ReportCommune;
  generatedAt: Date;
  totals: ReportTotals;
  byCategory: CategoryRow[];
  byPriority: PriorityRow[];
  byZone: ZoneRow[];
  byItem: ItemRow[];
  byDay: DayRow[];
  emergencies: EmergencyRow[];
  problems: { failed: number; interrupted: number; missed: number; list: ProblemAiring[]; truncated: boolean };
  campaigns: CampaignRow[];
}
