// The directive register (sổ văn bản chỉ đạo): create, change, list and archive documents,
// and the items and campaigns that carry them out. Routes validate and call these; every
// refusal is an AppError with Vietnamese and English text.
import { z } from "zod";
import { isUniqueViolation, type Db } from "../db/client.ts";
import { invalid, notFound } from "../errors.ts";
import { localDate, localTime } from "../http/validate.ts";
import { DIRECTIVE_ACTIONS, dueDateOf, hoursOf, type Timeliness } from "../domain/directives.ts";
import { settlePlays } from "../settle-plays.ts";
import { communeTimeZone } from "../reports/archive.ts";
import { coverageOf } from "./coverage.ts";
import { keyset, pageOf, pageQuery } from "../db/page.ts";
import { localDateOf, localTimeOf, localToUtc } from "../domain/time.ts";

const ids = z.array(z.number().int().positive()).max(500);

/** "YYYY-MM-DDTHH:MM" in commune time (what <input type="datetime-local"> sends). */
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "must be YYYY-MM-DDTHH:MM (commune time)").refine((s) => {
  return localDate.safeParse(s.slice(0, 10)).success && localTime.safeParse(s.slice(11)).success;
}, "not a real date and time");

const fields = {
  issuer: z.string().trim().min(1).max(200),
  number: z.string().trim().min(1).max(60),
  issuedDate: localDate,
  receivedAt: localDateTime,
  summary: z.string().trim().min(1).max(2000),
  categoryId: z.number().int().positive().nullable().optional(),
  action: z.enum(DIRECTIVE_ACTIONS),
  airWithinDays: z.number().int().min(0).max(365).nullable().optional(),
  targetPlays: z.number().int().min(1).max(1_000_000).nullable().optional(),
  dueDate: localDate.nullable().optional(),
  note: z.string().trim().max(2000).optional(),
  itemIds: ids.optional(),
  campaignIds: ids.optional(),
};
export const directiveCreateBody = z.object(fields);
export const directivePatchBody = z.object(fields).partial().extend({ archived: z.boolean().optional() });
export type DirectiveCreate = z.output<typeof directiveCreateBody>;
export type DirectivePatch = z.output<typeof directivePatchBody>;

export const directiveListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  /** Commune month of receipt, "YYYY-MM". */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
  archived: z.enum(["0", "1"]).optional(),
  ...pageQuery(100, 500),
});

const INCLUDE = {
  category: { select: { id: true, nameVi: true, nameEn: true } },
  items: { select: { item: { select: { id: true, title: true, status: true, archived: true } } } },
  campaigns: { select: { campaign: { select: { id: true, name: true, enabled: true } } } },
} as const;

export type DirectiveRow = NonNullable<Awaited<ReturnType<typeof loadDirective>>>;

export function loadDirective(db: Db, id: number) {
  return db.directive.findUnique({ where: { id }, include: INCLUDE });
}

export interface RegisterDeps {
  db: Db;
  timeZone: string;
}

/** The stored row's fields after the cross-field rules (due date, receipt, ordering of dates). */
function resolveFields(v: Omit<DirectiveCreate, "itemIds" | "campaignIds">, timeZone: string) {
  const receivedAt = localToUtc(v.receivedAt.slice(0, 10), v.receivedAt.slice(11), timeZone);
  const receivedDate = localDateOf(receivedAt, timeZone);
  if (v.issuedDate > receivedDate) {
    throw invalid("RECEIVED_BEFORE_ISSUED", "Ngày nhận văn bản không thể trước ngày ban hành.", "The date received cannot be before the date issued.", { fields: [{ field: "receivedAt" }] });
  }
  if (v.action === "air_within" && v.airWithinDays == null) {
    throw invalid("DAYS_REQUIRED", "Cần nhập số ngày phải phát kể từ khi nhận văn bản.", "Enter within how many days of receipt it must air.", { fields: [{ field: "airWithinDays" }] });
  }
  if (v.action === "key_content" && (v.targetPlays == null || v.dueDate == null)) {
    throw invalid("TARGET_REQUIRED", "Nội dung trọng tâm cần có chỉ tiêu số lượt phát và hạn phát.", "Key content needs a target number of plays and a due date.", { fields: [{ field: v.targetPlays == null ? "targetPlays" : "dueDate" }] });
  }
  const due = dueDateOf({ action: v.action, receivedDate, airWithinDays: v.airWithinDays, dueDate: v.dueDate });
  if (due !== null && due < receivedDate) {
    throw invalid("DUE_BEFORE_RECEIVED", "Hạn phát không thể trước ngày nhận văn bản.", "The due date cannot be before the date received.", { fields: [{ field: "dueDate" }] });
  }
  return {
    issuer: v.issuer, number: v.number, issuedDate: v.issuedDate, receivedAt, receivedDate, summary: v.summary, categoryId: v.categoryId ?? null,
    action: v.action, airWithinDays: v.action === "air_within" ? (v.airWithinDays ?? null) : null, targetPlays: v.action === "key_content" ? (v.targetPlays ?? null) : null,
    dueDate: due, note: v.note ?? "",
  };
}

async function checkRefs(db: Db, v: { categoryId?: number | null; itemIds?: number[]; campaignIds?: number[] }) {
  if (v.categoryId && !(await db.category.findUnique({ where: { id: v.categoryId } }))) throw invalid("UNKNOWN_CATEGORY", "Chủ đề không tồn tại.", "Unknown category.");
  if (v.itemIds?.length) {
    const found = await db.item.count({ where: { id: { in: [...new Set(v.itemIds)] } } });
    if (found !== new Set(v.itemIds).size) throw invalid("UNKNOWN_ITEM", "Có tin bài không tồn tại trong danh sách liên kết.", "Some linked items do not exist.", { fields: [{ field: "itemIds" }] });
  }
  if (v.campaignIds?.length) {
    const found = await db.campaign.count({ where: { id: { in: [...new Set(v.campaignIds)] } } });
    if (found !== new Set(v.campaignIds).size) throw invalid("UNKNOWN_CAMPAIGN", "Có chiến dịch không tồn tại trong danh sách liên kết.", "Some linked campaigns do not exist.", { fields: [{ field: "campaignIds" }] });
  }
}

const duplicate = () =>
  invalid("DUPLICATE_DIRECTIVE", "Văn bản có cùng số, ký hiệu của cơ quan ban hành này đã có trong sổ.", "A document with this number from this issuer is already in the register.", { fields: [{ field: "number" }] });


export async function createDirective(deps: RegisterDeps, v: DirectiveCreate, userId: number): Promise<DirectiveRow> {
  const { db } = deps;
  const data = resolveFields(v, deps.timeZone);
  await checkRefs(db, v);
  try {
    const row = await db.directive.create({
      data: {
        ...data, createdById: userId,
        items: { create: [...new Set(v.itemIds ?? [])].map((itemId) => ({ itemId })) },
        campaigns: { create: [...new Set(v.campaignIds ?? [])].map((campaignId) => ({ campaignId })) },
      },
    });
    return (await loadDirective(db, row.id))!;
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
}

/** The stored document as create input, so a patch is checked by the same rules. */
function asInput(row: DirectiveRow, timeZone: string): Omit<DirectiveCreate, "itemIds" | "campaignIds"> {
  return {
    issuer: row.issuer, number: row.number, issuedDate: row.issuedDate, summary: row.summary, categoryId: row.categoryId,
    receivedAt: `${localDateOf(row.receivedAt, timeZone)}T${localTimeOf(row.receivedAt, timeZone)}`,
    action: row.action as DirectiveCreate["action"], airWithinDays: row.airWithinDays, targetPlays: row.targetPlays, dueDate: row.dueDate, note: row.note,
  };
}

export async function updateDirective(deps: RegisterDeps, id: number, patch: DirectivePatch): Promise<DirectiveRow> {
  const { db } = deps;
  const row = await loadDirective(db, id);
  if (!row) throw notFound("directive");
  const { itemIds, campaignIds, archived, ...rest } = patch;
  const merged = { ...asInput(row, deps.timeZone), ...Object.fromEntries(Object.entries(rest).filter(([, x]) => x !== undefined)) };
  const data = resolveFields(merged, deps.timeZone);
  await checkRefs(db, { categoryId: rest.categoryId, itemIds, campaignIds });
  try {
    await db.$transaction(async (tx) => {
      await tx.directive.update({ where: { id }, data: { ...data, ...(archived !== undefined ? { archived } : {}) } });
      if (itemIds) {
        await tx.directiveItem.deleteMany({ where: { directiveId: id } });
        if (itemIds.length) await tx.directiveItem.createMany({ data: [...new Set(itemIds)].map((itemId) => ({ directiveId: id, itemId })) });
      }
      if (campaignIds) {
        await tx.directiveCampaign.deleteMany({ where: { directiveId: id } });
        if (campaignIds.length) await tx.directiveCampaign.createMany({ data: [...new Set(campaignIds)].map((campaignId) => ({ directiveId: id, campaignId })) });
      }
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
  return (await loadDirective(db, id))!;
}

/** A page of the register, newest receipt first (cursor pagination, server/db/page.ts). */
export async function listDirectives(db: Db, q: z.output<typeof directiveListQuery>): Promise<{ rows: DirectiveRow[]; nextCursor: string | null }> {
  const text = q.q ? { OR: [{ number: { contains: q.q } }, { summary: { contains: q.q } }, { issuer: { contains: q.q } }] } : {};
  const page = keyset("receivedAt", "desc", q.cursor, { date: true });
  const rows = await db.directive.findMany({
    where: { AND: [{ archived: q.archived === "1", ...(q.month ? { receivedDate: { startsWith: q.month } } : {}), ...text }, page.where] },
    include: INCLUDE,
    orderBy: page.orderBy,
    take: q.limit + 1,
  });
  return pageOf(rows, q.limit, (r) => r.receivedAt);
}

/** What the API and the web app see of a document: its fields, links and timeliness. */
export function directiveView(row: DirectiveRow, t: Timeliness | undefined) {
  return {
    id: row.id, issuer: row.issuer, number: row.number, issuedDate: row.issuedDate, receivedAt: row.receivedAt.toISOString(), receivedDate: row.receivedDate,
    summary: row.summary, category: row.category, action: row.action, airWithinDays: row.airWithinDays, targetPlays: row.targetPlays, dueDate: row.dueDate,
    note: row.note, archived: row.archived,
    attachment: row.attachmentPath ? { name: row.attachmentName, type: row.attachmentType, sizeBytes: row.attachmentSize } : null,
    items: row.items.map((l) => l.item),
    campaigns: row.campaigns.map((l) => l.campaign),
    timeliness: t && {
      status: t.status, plays: t.plays, zonesReached: t.zonesReached, zonesTotal: t.zonesTotal, targetMet: t.targetMet,
      firstAiredAt: t.firstAiredAt?.toISOString() ?? null, allZonesAt: t.allZonesAt?.toISOString() ?? null,
      hoursToFirstAir: hoursOf(t.toFirstAirMs), hoursToAllZones: hoursOf(t.toAllZonesMs),
    },
  };
}
export type DirectiveView = ReturnType<typeof directiveView>;

/** Views of the rows with their timeliness as of `now` (settles what aired first, as every reader does). */
export async function withTimeliness(db: Db, rows: DirectiveRow[], now: Date): Promise<DirectiveView[]> {
  await settlePlays(db);
  const timeZone = await communeTimeZone(db);
  const cov = await coverageOf(db, rows, { asOf: now, timeZone, toDate: localDateOf(now, timeZone) });
  return rows.map((r) => directiveView(r, cov.get(r.id)));
}

/** Documents past their due date with nothing aired, most overdue first (the dashboard's head). */
export async function overdueDirectives(db: Db, now: Date): Promise<DirectiveView[]> {
  const timeZone = await communeTimeZone(db);
  const rows = await db.directive.findMany({
    where: { archived: false, action: { not: "info" }, dueDate: { not: null, lt: localDateOf(now, timeZone) } },
    include: INCLUDE,
    orderBy: [{ dueDate: "asc" }, { id: "asc" }],
  });
  return (await withTimeliness(db, rows, now)).filter((v) => v.timeliness?.status === "overdue");
}
