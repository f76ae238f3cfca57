// Shapes of the JSON the API returns (only the fields the UI reads).
export type Role = "admin" | "editor" | "operator" | "viewer" | "leader" | "supervisor";
export type Approval = "pending" | "approved" | "rejected";
export type Priority = "normal" | "priority" | "emergency";
export type ItemStatus = "queued" | "processing" | "ready" | "failed";
export type ItemKind = "audio" | "tts" | "relay";
export type AiringStatus = "planned" | "ready" | "airing" | "aired" | "interrupted" | "failed" | "missed" | "cancelled" | "superseded";

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
  disabled?: boolean;
  createdAt?: string;
}

export interface Commune {
  id: number;
  name: string;
  unitName: string;
  place: string;
  timeZone: string;
}

export interface Zone {
  id: number;
  code: string;
  name: string;
  village: string;
  outputKind: "file" | "icecast" | "alsa";
  outputConfig: Record<string, unknown>;
  enabled: boolean;
  /** Zone affinity: the worker group that airs it (null: any worker). */
  workerGroup: string | null;
}

export interface Category {
  id: number;
  code: string;
  nameVi: string;
  nameEn: string;
  builtin: boolean;
  sortOrder: number;
}

export interface Item {
  id: number;
  title: string;
  kind: ItemKind;
  priority: Priority;
  categoryId: number | null;
  category?: Category | null;
  sourceRef: string;
  validFrom: string | null;
  validTo: string | null;
  status: ItemStatus;
  statusReason: string;
  progress: number;
  ttsText: string | null;
  ttsVoice: string | null;
  ttsRate: number | null;
  relayUrl: string | null;
  durationMs: number;
  originalAssetId: number | null;
  canonicalAssetId: number | null;
  archived: boolean;
  createdAt: string;
  canonicalAsset?: { loudnessI: number | null; truePeak: number | null } | null;
  approval?: Approval;
  approvalNote?: string;
  /** GET /api/items/:id only: the directive documents it carries out. */
  directives?: { directive: { id: number; number: string; summary: string } }[];
}

export interface ProgramEntry {
  id: number;
  position: number;
  itemId: number;
  item: { id: number; title: string; kind: ItemKind; priority: Priority; status: ItemStatus; durationMs: number; archived: boolean };
}

export interface Program {
  id: number;
  name: string;
  description: string;
  introItemId: number | null;
  outroItemId: number | null;
  gapMs: number;
  entries: ProgramEntry[];
  durationMs: number;
}

export interface Schedule {
  id: number;
  name: string;
  programId: number;
  program?: { name: string };
  kind: "recurring" | "once";
  daysOfWeek: number[];
  startTime: string;
  date: string | null;
  validFrom: string | null;
  validTo: string | null;
  maxDurationSec: number;
  zoneIds: number[];
  enabled: boolean;
}

export interface Airing {
  id: number;
  scheduleId: number | null;
  zoneId: number;
  programId: number | null;
  emergencyId: number | null;
  source: string;
  localDate: string;
  scheduledStart: string;
  maxDurationMs: number;
  status: AiringStatus;
  statusReason: string;
  actualStart: string | null;
  actualEnd: string | null;
  zone?: { name: string; code: string };
  program?: { name: string } | null;
  schedule?: { name: string } | null;
}

export interface RundownLine {
  id: number;
  position: number;
  itemId: number;
  reason: string;
  reasonVi: string;
  reasonEn: string;
  bumped: boolean;
  offsetMs: number;
  durationMs: number;
  item: { title: string; kind: ItemKind; priority: Priority };
}

export interface AuditEntry {
  id: number;
  createdAt: string;
  action: string;
  entity: string;
  entityId: string;
  ip: string;
  user: { username: string; displayName: string } | null;
}

export interface AsRunRow {
  id: number;
  airingId: number | null;
  zoneId: number;
  itemId: number | null;
  localDate: string;
  scheduledStart: string;
  actualStart: string;
  actualEnd: string | null;
  durationMs: number;
  status: "completed" | "interrupted" | "failed" | "skipped";
  source: string;
  note: string;
  zone?: { name: string };
  item?: { title: string } | null;
}

export interface AiringDetail extends Airing {
  lines: RundownLine[];
  asRuns: AsRunRow[];
}

export interface LiveZone {
  id: number;
  code: string;
  name: string;
  village: string;
  nowPlaying: { airingId: number; program: string | null; item: string | null; startedAt: string; source: string } | null;
  nextUp: { airingId: number; program: string | null; scheduledStart: string; status: AiringStatus } | null;
}

export interface LiveStatus {
  time: string;
  queue: { ok: boolean; counts: Record<string, { active: number; waiting: number; delayed: number; failed: number }> };
  zones: LiveZone[];
}

export interface Campaign {
  id: number;
  name: string;
  startDate: string;
  endDate: string;
  perDay: number | null;
  perWeek: number | null;
  minGapMin: number;
  maxPerSession: number;
  windows: string[];
  itemIds: number[];
  zoneIds: number[] | null;
  enabled: boolean;
}

export interface PeriodStatus {
  periodStart: string;
  target: number | null;
  aired: number;
  failed: number;
  planned: number;
  deficit: number | null;
}

export interface CampaignStatus {
  campaign: { id: number; name: string; perDay: number | null; perWeek: number | null; activeToday: boolean };
  today: string;
  zones: { zoneId: number; zoneName: string; today: PeriodStatus; week: PeriodStatus | null; history: PeriodStatus[] }[];
  shortfalls: { id: number; zoneId: number; periodKind: string; periodStart: string; target: number; aired: number; reasonVi: string; reasonEn: string }[];
}

export interface Emergency {
  id: number;
  itemId: number;
  item?: { title: string };
  zoneIds: string;
  repeatEveryMin: number | null;
  until: string | null;
  status: "active" | "ended" | "cancelled";
  startedAt: string;
  endedAt: string | null;
}

export interface ReportRowBase {
  airings: number;
  airtimeMinutes: number;
}

/** The report counts the commune's way (server/reports/types.ts): programs = sessions, news items once per session. */
export interface BroadcastReport {
  period: { from: string; to: string; days: number; key: string; labelVi: string; labelEn: string };
  commune: { name: string; unitName: string };
  generatedAt: string;
  totals: {
    programs: number;
    daysAired: number;
    newsItems: number;
    itemsDistinct: number;
    emergencyBroadcasts: number;
    emergencyItems: number;
    plays: number;
    makeGoodPlays: number;
    airtimeMinutes: number;
    ownMinutes: number;
    relayMinutes: number;
    zoneSessions: { aired: number; stopped: number; preempted: number; fault: number; missed: number; cancelled: number };
  };
  byCategory: { categoryId: number | null; code: string; nameVi: string; nameEn: string; itemsDistinct: number; newsItems: number; plays: number; airtimeMinutes: number }[];
  byZone: { zoneId: number; name: string; sessionsAired: number; plays: number; airtimeMinutes: number }[];
  byDay: { date: string; programs: number; newsItems: number; plays: number; airtimeMinutes: number }[];
  byItem: { itemId: number | null; title: string; categoryId: number | null; categoryNameVi: string; level: string; newsItems: number; plays: number; airtimeMinutes: number }[];
  campaigns: { campaignId: number; name: string; target: number; plays: number; compliancePct: number; zonesBelowTarget: number }[];
  directives: {
    received: number; toAir: number; onTime: number; late: number; notYet: number; overdue: number; info: number;
    medianHoursToFirstAir: number | null; medianHoursToAllZones: number | null;
    rows: { directiveId: number; number: string; summary: string; status: DirectiveStatus; hoursToFirstAir: number | null; plays: number; zonesReached: number; zonesTotal: number }[];
  };
}

export interface ArchivedReport {
  id: number;
  kind: string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  files: string;
  createdAt: string;
}

export type DirectiveAction = "air_within" | "key_content" | "info";
export type DirectiveStatus = "on_time" | "late" | "pending" | "overdue" | "info";

/** A document of the directive register (sổ văn bản chỉ đạo), as GET /api/directives returns it. */
export interface Directive {
  id: number;
  issuer: string;
  number: string;
  issuedDate: string;
  receivedAt: string;
  receivedDate: string;
  summary: string;
  category: { id: number; nameVi: string; nameEn: string } | null;
  action: DirectiveAction;
  airWithinDays: number | null;
  targetPlays: number | null;
  dueDate: string | null;
  note: string;
  archived: boolean;
  attachment: { name: string; type: string; sizeBytes: number } | null;
  items: { id: number; title: string; status: string; archived: boolean }[];
  campaigns: { id: number; name: string; enabled: boolean }[];
  timeliness?: {
    status: DirectiveStatus;
    plays: number;
    zonesReached: number;
    zonesTotal: number;
    targetMet: boolean | null;
    firstAiredAt: string | null;
    allZonesAt: string | null;
    hoursToFirstAir: number | null;
    hoursToAllZones: number | null;
  };
}

/** GET /api/approvals: what waits for a leader (server/approval.ts). */
export interface ApprovalQueue {
  required: boolean;
  items: { id: number; title: string; kind: ItemKind; priority: Priority; status: ItemStatus; approval: Approval; approvalNote: string; ttsText: string | null; relayUrl: string | null; sourceRef: string; updatedAt: string }[];
  emergencies: { id: number; startedAt: string; status: string; item: { id: number; title: string; approval: Approval } }[];
}
