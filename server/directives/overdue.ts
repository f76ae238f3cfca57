// Overdue directives raise an alert: a document whose due date has passed with nothing aired
// (server/domain/directives.ts) gets one alert, keyed `directive:<id>:overdue`, raised by the
// scheduler's alert sweep (server/alert-sweep.ts); it is resolved once the document airs
// (late), is archived, or its due date moves.
import { raiseAlert, resolveAlert, type AlertDeps } from "../alerts.ts";
import { formatDateVi } from "../domain/time.ts";
import { communeTimeZone } from "../reports/archive.ts";
import { daysOverdue } from "../domain/directives.ts";
import { overdueDirectives } from "./register.ts";

const KIND = "directive_overdue";
const keyOf = (id: number) => `directive:${id}:overdue`;

/** Short form of a document for an alert: "12-CV/ĐU (trích yếu…)". */
export const documentLabel = (d: { number: string; summary: string }): string =>
  `${d.number} (${d.summary.length > 120 ? `${d.summary.slice(0, 119).trimEnd()}…` : d.summary})`;

export async function sweepDirectiveAlerts(ad: AlertDeps, now: Date): Promise<{ raised: number; resolved: number }> {
  const { db } = ad;
  const tz = await communeTimeZone(db);
  const overdue = await overdueDirectives(db, now);
  let raised = 0, resolved = 0;
  for (const d of overdue) {
    const params = { document: documentLabel(d), due: formatDateVi(d.dueDate!), days: daysOverdue(d.dueDate!, now, tz) };
    if ((await raiseAlert(ad, { kind: KIND, severity: "warning", params, dedupeKey: keyOf(d.id) })) !== null) raised++;
  }
  const still = new Set(overdue.map((d) => keyOf(d.id)));
  for (const a of await db.alert.findMany({ where: { kind: KIND, resolvedAt: null }, select: { dedupeKey: true } })) {
    if (still.has(a.dedupeKey)) continue;
    await resolveAlert(ad, a.dedupeKey);
    resolved++;
  }
  return { raised, resolved };
}
