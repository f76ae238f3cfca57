// The API's shapes for the web app, derived from the server's own types instead of copied:
// request bodies from the zod schemas the server validates with (server/contract), answers
// from the services' return types (server/services) as JSON turns them (a Date becomes a
// string), with the text columns the database stores narrowed to their known values.
// Type-only imports: nothing of the server runs in the browser.
import type { JSONParsed } from "hono/utils/types";
import type { Approval } from "../../server/approval.ts";
import type { Role } from "../../server/auth/roles.ts";
import type { ItemKind, ItemStatus, Priority } from "../../server/contract/items.ts";
import type { AiringStatus } from "../../server/contract/scheduling.ts";
import type { ZoneInput } from "../../server/contract/admin.ts";
import type { DirectiveAction, DirectiveStatus } from "../../server/domain/directives.ts";
import type { BroadcastReport as ServerReport } from "../../server/reports/types.ts";
import type { DirectiveView } from "../../server/directives/register.ts";
import type { approvalQueue } from "../../server/approval.ts";
import type { publicUser } from "../../server/services/users.ts";
import type { getItem } from "../../server/services/items.ts";
import type { getProgram } from "../../server/services/programs.ts";
import type { listSchedules } from "../../server/services/schedules.ts";
import type { getAiring } from "../../server/services/airings.ts";
import type { auditEntries } from "../../server/services/audit.ts";
import type { asRunLog } from "../../server/services/asrun.ts";
import type { liveStatus } from "../../server/services/status.ts";
import type { campaignStatus, listCampaigns } from "../../server/services/campaigns.ts";
import type { listEmergencies } from "../../server/services/emergencies.ts";
import type { Airing as AiringRow, Category as CategoryRow, Commune as CommuneRow, Item as ItemRow, Report as ReportRow, Zone as ZoneRow } from "../../server/generated/prisma/client.ts";

export type { Approval, Role, ItemKind, ItemStatus, Priority, AiringStatus, DirectiveAction, DirectiveStatus };
// Request bodies: the same schemas the server validates with.
export type { ItemCreate, ItemPatch } from "../../server/contract/items.ts";
export type { ProgramInput, ScheduleInput, CampaignInput, AirNowInput } from "../../server/contract/scheduling.ts";
export type { LoginInput, PasswordChangeInput, UserCreateInput, UserPatchInput, CommuneInput, ZoneInput, CategoryInput } from "../../server/contract/admin.ts";

/** What the browser receives for a server value T. */
type Json<T> = JSONParsed<T>;
/** The answer of a service function, as JSON. */
type Answer<F extends (...args: never[]) => unknown> = Json<Awaited<ReturnType<F>>>;
/** T with some fields replaced (a text column narrowed to its values, a relation made optional). */
type With<T, U> = Omit<T, keyof U> & U;

type PublicUser = Answer<typeof publicUser>;
/** Signed in (/api/auth/me) or listed (/api/users, which adds disabled and createdAt). */
export type User = With<Omit<PublicUser, "disabled" | "createdAt">, { role: Role; disabled?: boolean; createdAt?: string }>;

export type Commune = Pick<Json<CommuneRow>, "id" | "name" | "unitName" | "place" | "timeZone">;

export type Zone = With<Json<ZoneRow>, { outputKind: ZoneInput["outputKind"]; outputConfig: Record<string, unknown> }>;

export type Category = Json<CategoryRow>;

type ItemDetail = Answer<typeof getItem>;
export type Item = With<Json<ItemRow>, {
  kind: ItemKind;
  priority: Priority;
  status: ItemStatus;
  approval: Approval;
  category?: Category | null;
  canonicalAsset?: { loudnessI: number | null; truePeak: number | null } | null;
  /** GET /api/items/:id only: the directive documents it carries out. */
  directives?: ItemDetail["directives"];
}>;

type ProgramDetail = Answer<typeof getProgram>;
export type ProgramEntry = With<ProgramDetail["entries"][number], { item: With<ProgramDetail["entries"][number]["item"], { kind: ItemKind; priority: Priority; status: ItemStatus }> }>;
export type Program = With<ProgramDetail, { entries: ProgramEntry[]; durationMs: number }>;

export type Schedule = With<Answer<typeof listSchedules>[number], { kind: "recurring" | "once"; program?: { name: string } }>;

export type Airing = With<Json<AiringRow>, { status: AiringStatus; zone?: { name: string; code: string }; program?: { name: string } | null; schedule?: { name: string } | null }>;

type AiringAnswer = Answer<typeof getAiring>;
export type RundownLine = With<AiringAnswer["lines"][number], { item: With<AiringAnswer["lines"][number]["item"], { kind: ItemKind; priority: Priority }> }>;

export type AuditEntry = Answer<typeof auditEntries>["entries"][number];

type AsRunPage = Extract<Awaited<ReturnType<typeof asRunLog>>, { kind: "page" }>["page"];
export type AsRunRow = With<Json<AsRunPage["rows"][number]>, { status: "completed" | "interrupted" | "failed" | "skipped"; zone?: { name: string }; item?: { title: string } | null }>;

export type AiringDetail = With<Airing, { lines: RundownLine[]; asRuns: AsRunRow[] }>;

type Live = Answer<typeof liveStatus>;
export type LiveZone = With<Live["zones"][number], { nextUp: With<NonNullable<Live["zones"][number]["nextUp"]>, { status: AiringStatus }> | null }>;
export type LiveStatus = With<Live, { queue: { ok: boolean; counts: Record<string, { active: number; waiting: number; delayed: number; failed: number }> }; zones: LiveZone[] }>;

export type Campaign = With<Answer<typeof listCampaigns>[number], { windows: string[] }>;

type CampaignAnswer = Answer<typeof campaignStatus>;
export type PeriodStatus = CampaignAnswer["zones"][number]["today"];
export type CampaignStatus = CampaignAnswer;

export type Emergency = With<Answer<typeof listEmergencies>[number], { status: "active" | "ended" | "cancelled" }>;

/** The report counts the commune's way (server/reports/types.ts): programs = sessions, news items once per session. */
export type BroadcastReport = Json<ServerReport>;

export type ArchivedReport = Json<ReportRow>;

/** A document of the directive register (sổ văn bản chỉ đạo), as GET /api/directives returns it. */
export type Directive = With<Json<DirectiveView>, { action: DirectiveAction }>;

/** GET /api/approvals: what waits for a leader (server/approval.ts). */
export type ApprovalQueue = Answer<typeof approvalQueue>;
