// The official-document settings (ReportSetting, one row): issuer abbreviation for
// "Số: …/BC-…", signers, recipients ("Nơi nhận") and the duty roster of the log book.
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { parseRoster } from "../settle-plays.ts";
import type { DutyShift } from "../domain/plays.ts";

export interface DocSettings {
  issuerCode: string;
  preparerTitle: string;
  preparerName: string;
  signerTitle: string;
  signerName: string;
  recipients: string[];
  dutyRoster: DutyShift[];
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM");
export const docSettingsBody = z.object({
  issuerCode: z.string().trim().max(40).regex(/^[\p{L}\p{N}.\-]*$/u, "letters, digits, . and - only").default(""),
  preparerTitle: z.string().trim().min(1).max(120).default("NGƯỜI LẬP BIỂU"),
  preparerName: z.string().trim().max(120).default(""),
  signerTitle: z.string().trim().min(1).max(200).default("GIÁM ĐỐC"),
  signerName: z.string().trim().max(120).default(""),
  recipients: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
  dutyRoster: z.array(z.object({ days: z.array(z.number().int().min(1).max(7)).min(1).max(7), from: hhmm, to: hhmm, name: z.string().trim().min(1).max(120) })).max(50).default([]),
});

export async function loadDocSettings(db: Pick<Db, "reportSetting">): Promise<DocSettings> {
  const row = await db.reportSetting.findUnique({ where: { id: 1 } });
  let recipients: string[] = [];
  try {
    const v = JSON.parse(row?.recipients ?? "[]") as unknown;
    if (Array.isArray(v)) recipients = v.filter((x): x is string => typeof x === "string");
  } catch {
    recipients = [];
  }
  return {
    issuerCode: row?.issuerCode ?? "", preparerTitle: row?.preparerTitle ?? "NGƯỜI LẬP BIỂU", preparerName: row?.preparerName ?? "",
    signerTitle: row?.signerTitle ?? "GIÁM ĐỐC", signerName: row?.signerName ?? "", recipients, dutyRoster: parseRoster(row?.dutyRoster),
  };
}

export async function saveDocSettings(db: Pick<Db, "reportSetting">, s: z.infer<typeof docSettingsBody>): Promise<DocSettings> {
  const data = { ...s, recipients: JSON.stringify(s.recipients), dutyRoster: JSON.stringify(s.dutyRoster) };
  await db.reportSetting.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  return loadDocSettings(db);
}
