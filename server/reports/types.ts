// The broadcast report. Every number comes from the settled facts of the as-run log and the
// airings (server/domain/plays.ts defines them; server/settle-plays.ts stores them), never
// from the plan, and the report counts the way a commune does:
// - CHƯƠNG TRÌNH (programs): broadcast sessions (buổi) of a program that aired audio,
//   counted once however many zones carried them. Emergency broadcasts are counted apart.
// - TIN, BÀI (news items): news plays counted once per session across zones (jingles never).
//   Topics, levels and items count these session-level units.
// - LƯỢT PHÁT (plays): per-zone plays of news items; they stay in the zone table and drive
//   campaign compliance (targets are per zone).
// - Sessions by outcome: an operator's stop and a pre-emption by an emergency are not
//   faults; faults and missed sessions are the problems.
// - A date belongs to the report when the row's localDate (commune date) lies in [from, to].

import type { DirectiveStatus } from "../domain/directives.ts";

export interface ReportCommune {
  name: string;
  unitName: string;
  place: string;
  timeZone: string;
}

export interface ReportPeriod {
  from: string; // YYYY-MM-DD inclusive
  to: string;
  days: number;
  key: string; // e.g. "2026-10"
  labelVi: string; // e.g. "tháng 10/2026"
  labelEn: string;
}

/** Zone airings (one session on one zone) by how they ended. */
export interface OutcomeCounts {
  aired: number;
  stopped: number; // stopped by an operator: not a fault
  preempted: number; // gave way to an emergency broadcast: not a fault
  fault: number;
  missed: number;
  cancelled: number;
}

export interface ReportTotals {
  programs: number; // program sessions that aired (buổi, once across zones)
  daysAired: number; // dates with at least one program session aired
  newsItems: number; // tin, bài in program sessions (once per session)
  itemsDistinct: number; // distinct items among them
  emergencyBroadcasts: number; // emergency sessions that aired
  emergencyItems: number; // tin, bài aired in them
  plays: number; // per-zone plays of news items (all sessions)
  makeGoodPlays: number; // of which the frequency engine's make-goods
  zoneSessionsAired: number; // zone airings with audio
  airtimeMinutes: number; // Σ over sessions of the longest zone airing
  ownMinutes: number; // news units that are not relays
  relayMinutes: number; // news units that are relays (VOV, provincial station)
  zoneSessions: OutcomeCounts;
  /** Sessions (once across zones) none of whose zones aired, for a fault or system outage. */
  sessionsMissed: number;
}

export interface CategoryRow {
  categoryId: number | null; // null = items without a topic
  code: string;
  nameVi: string;
  nameEn: string;
  itemsDistinct: number;
  newsItems: number;
  plays: number;
  airtimeMinutes: number;
}

export interface LevelRow {
  level: string;
  labelVi: string;
  labelEn: string;
  itemsDistinct: number;
  newsItems: number;
  plays: number;
  airtimeMinutes: number;
}

export interface ZoneRow {
  zoneId: number;
  code: string;
  name: string;
  village: string;
  sessionsAired: number;
  stopped: number;
  preempted: number;
  faults: number;
  missed: number;
  plays: number;
  airtimeMinutes: number;
}

export interface ItemRow {
  itemId: number | null;
  title: string;
  sourceRef: string;
  kind: string;
  categoryId: number | null;
  categoryNameVi: string;
  level: string;
  newsItems: number;
  plays: number;
  airtimeMinutes: number;
  cut: number; // interrupted rows that are not plays
  failed: number;
  skipped: number;
}

export interface DayRow {
  date: string;
  programs: number;
  newsItems: number;
  plays: number;
  airtimeMinutes: number;
  emergencyBroadcasts: number;
  problems: number; // zone airings with a fault or missed
}

export interface EmergencyRow {
  date: string;
  start: Date;
  emergencyId: number | null;
  title: string;
  zonesAired: number;
  zones: number;
}

export interface ProblemAiring {
  airingId: number;
  date: string;
  scheduledStart: Date;
  zoneName: string;
  programName: string;
  outcome: "fault" | "missed" | string;
  reasonCode: string;
  reasonVi: string;
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
  zones: number;
  /** Σ over zones of the targets of days (weeks) with an eligible session. */
  target: number;
  plays: number; // per-zone plays attributed to the campaign (plays.ts)
  inserted: number; // of which the planner inserted
  makeGoods: number;
  compliancePct: number; // Σ min(plays, target) per zone / target × 100; 100 without a target
  zonesBelowTarget: number;
  daysWithoutSession: number; // zone-days of the campaign with no eligible session (no target)
}

export interface OtherChannels {
  /** Months (YYYY-MM) entirely inside the period whose figures are summed; empty = none. */
  months: string[];
  entered: boolean;
  directiveDocs: number;
  fanpagePosts: number;
  radioItemsSent: number;
  tvItemsSent: number;
  portalArticles: number;
  notes: { directive: string; fanpage: string; radio: string; tv: string; portal: string };
}

/** One directive document received in the period (server/reports/directives.ts). */
export interface DirectiveReportRow {
  directiveId: number;
  number: string; // số, ký hiệu
  issuer: string;
  summary: string; // trích yếu
  action: string; // air_within | key_content | info
  receivedAt: Date;
  dueDate: string | null;
  targetPlays: number | null;
  status: DirectiveStatus;
  firstAiredAt: Date | null;
  allZonesAt: Date | null;
  hoursToFirstAir: number | null;
  hoursToAllZones: number | null;
  plays: number; // per-zone plays of news items carrying it
  zonesReached: number;
  zonesTotal: number;
}

/** "Tuyên truyền văn bản chỉ đạo": documents received in the period, judged as of `asOf`. */
export interface DirectiveSection {
  asOf: Date; // the end of the period, or the report's time for a period not over yet
  received: number;
  toAir: number; // received minus "for information"
  onTime: number;
  late: number;
  notYet: number; // nothing aired yet (pending + overdue)
  overdue: number;
  info: number;
  medianHoursToFirstAir: number | null; // over the documents to air that aired
  medianHoursToAllZones: number | null; // over those that reached every zone
  rows: DirectiveReportRow[];
}

export interface BroadcastReport {
  period: ReportPeriod;
  commune: ReportCommune;
  generatedAt: Date;
  totals: ReportTotals;
  byCategory: CategoryRow[];
  byLevel: LevelRow[];
  byZone: ZoneRow[];
  byItem: ItemRow[];
  byDay: DayRow[];
  emergencies: EmergencyRow[];
  problems: { list: ProblemAiring[]; truncated: boolean };
  campaigns: CampaignRow[];
  otherChannels: OtherChannels;
  directives: DirectiveSection;
}
