// "Số liệu các kênh khác": the monthly figures of the unit's other channels (directive
// documents, fanpage, items sent to the city broadcaster, portal), entered by an operator
// and printed in the report as their own section, so the directive's whole footnote comes
// out of one report. A period gets the sum of the months that lie entirely inside it.
import type { Db } from "../db/client.ts";
import { daysInMonth } from "../domain/time.ts";
import type { OtherChannels } from "./types.ts";

/** "YYYY-MM" keys of the months entirely inside [from, to]. */
export function monthsWithin(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  for (;;) {
    const key = `${y}-${String(m).padStart(2, "0")}`;
    const first = `${key}-01`, last = `${key}-${String(daysInMonth(y, m)).padStart(2, "0")}`;
    if (first > to) return out;
    if (first >= from && last <= to) out.push(key);
    if (++m > 12) { m = 1; y++; }
  }
}

export async function otherChannelsOf(db: Pick<Db, "channelStat">, range: { from: string; to: string }): Promise<OtherChannels> {
  const months = monthsWithin(range.from, range.to);
  const rows = months.length ? await db.channelStat.findMany({ where: { month: { in: months } }, orderBy: { month: "asc" } }) : [];
  const sum = (k: "directiveDocs" | "fanpagePosts" | "radioItemsSent" | "tvItemsSent" | "portalArticles") => rows.reduce((s, r) => s + r[k], 0);
  const note = (k: "directiveNote" | "fanpageNote" | "radioNote" | "tvNote" | "portalNote") => rows.map((r) => r[k].trim()).filter(Boolean).join("; ");
  return {
    months, entered: rows.length > 0,
    directiveDocs: sum("directiveDocs"), fanpagePosts: sum("fanpagePosts"), radioItemsSent: sum("radioItemsSent"), tvItemsSent: sum("tvItemsSent"), portalArticles: sum("portalArticles"),
    notes: { directive: note("directiveNote"), fanpage: note("fanpageNote"), radio: note("radioNote"), tv: note("tvNote"), portal: note("portalNote") },
  };
}
