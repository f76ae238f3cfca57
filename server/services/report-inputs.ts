// What the unit enters for its official records: the monthly figures of the other channels
// ("Số liệu các kênh khác", printed in the report "do đơn vị nhập") and the document settings.
import type { z } from "zod";
import { loadDocSettings, saveDocSettings, type docSettingsBody } from "../reports/settings.ts";
import type { channelsBody } from "../contract/reports.ts";
import type { Deps } from "./deps.ts";

type Db = Pick<Deps, "db">;

const EMPTY = { directiveDocs: 0, directiveNote: "", fanpagePosts: 0, fanpageNote: "", radioItemsSent: 0, radioNote: "", tvItemsSent: 0, tvNote: "", portalArticles: 0, portalNote: "" };

/** A month's figures, or zeros when the unit has not entered them yet. */
export async function channelFigures({ db }: Db, month: string) {
  const row = await db.channelStat.findUnique({ where: { month } });
  return { month, entered: !!row, channels: row ?? { month, ...EMPTY, updatedAt: null } };
}

export async function saveChannelFigures({ db }: Db, month: string, b: z.output<typeof channelsBody>, userId: number) {
  const data = { ...b, updatedById: userId };
  const row = await db.channelStat.upsert({ where: { month }, create: { month, ...data }, update: data });
  return { month, entered: true, channels: row };
}

export const documentSettings = ({ db }: Db) => loadDocSettings(db);

export const saveDocumentSettings = ({ db }: Db, b: z.output<typeof docSettingsBody>) => saveDocSettings(db, b);
