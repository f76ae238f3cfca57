// The directive register (sổ văn bản chỉ đạo) for the HTTP layer: each answer is a
// directive with its timeliness as of now. The register's rules are server/directives/*.
import type { z } from "zod";
import { notFound } from "../errors.ts";
import { communeTimeZone } from "../reports/archive.ts";
import {
  createDirective, listDirectives, loadDirective, overdueDirectives, updateDirective, withTimeliness,
  type directiveCreateBody, type directiveListQuery, type directivePatchBody,
} from "../directives/register.ts";
import { attachmentOf, storeAttachment } from "../directives/attachment.ts";
import type { Deps } from "./deps.ts";

type Db = Pick<Deps, "db">;
type Read = Pick<Deps, "db" | "clock">;

/** One directive with its timeliness. */
export async function directive({ db, clock }: Read, id: number) {
  const row = await loadDirective(db, id);
  if (!row) throw notFound("directive");
  return (await withTimeliness(db, [row], clock.now()))[0]!;
}

export async function directivePage({ db, clock }: Read, q: z.output<typeof directiveListQuery>) {
  const { rows, nextCursor } = await listDirectives(db, q);
  return { directives: await withTimeliness(db, rows, clock.now()), nextCursor };
}

export const overdue = ({ db, clock }: Read) => overdueDirectives(db, clock.now());

const register = async ({ db }: Db) => ({ db, timeZone: await communeTimeZone(db) });

export async function registerDirective(deps: Read, body: z.output<typeof directiveCreateBody>, userId: number) {
  const row = await createDirective(await register(deps), body, userId);
  return { row, directive: await directive(deps, row.id) };
}

export async function editDirective(deps: Read, id: number, body: z.output<typeof directivePatchBody>) {
  await updateDirective(await register(deps), id, body);
  return directive(deps, id);
}

/** Documents are archived, never deleted: the register is a record. */
export async function archiveDirective(deps: Db, id: number) {
  await updateDirective(await register(deps), id, { archived: true });
}

/** The document's file, streamed to disk as it arrives. */
export async function attachFile(deps: Read & Pick<Deps, "storage" | "config">, id: number, body: ReadableStream<Uint8Array> | null, contentType: string | undefined) {
  const stored = await storeAttachment({ db: deps.db, storage: deps.storage, maxBytes: deps.config.DIRECTIVE_FILE_MAX_MB * 1024 * 1024 }, id, body, contentType);
  return { stored, directive: await directive(deps, id) };
}

export const attachmentFile = ({ db, storage }: Pick<Deps, "db" | "storage">, id: number) => attachmentOf({ db, storage }, id);
