// The broadcast calendar: all zones at a glance for any week (zones × days), or one day
// per zone (the phone's default), built by /api/calendar from the schedule rules with
// planned and past sessions overlaid. A session opens its run-down (or, when not planned
// yet, the program it will carry).
import { useState } from "react";
import { qs } from "../api.ts";
import { useApp } from "../context.ts";
import { Dialog, ErrorBox, Loading, StatusBadge, TableWrap } from "../components/ui.tsx";
import { MonthYearPicker } from "../components/PeriodPickers.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet } from "../query.ts";
import { addDays, isoWeekdayOfDate, isoWeekOf, startOfIsoWeek } from "../time.ts";
import type { Program } from "../types.ts";
import type { CalendarSession as ApiSession } from "../../../server/domain/calendar.ts";
import { AiringDialog } from "./AiringDialog.tsx";

/** One session as /api/calendar sends it: the domain's shape plus the names to show. */
export type CalendarSession = ApiSession & { programName: string | null; scheduleName: string | null };

/** Monday of the first ISO week whose Thursday lies in the month "YYYY-MM". */
function firstWeekOfMonth(ym: string): string {
  const first = `${ym}-01`;
  return isoWeekdayOfDate(first) > 4 ? addDays(startOfIsoWeek(first), 7) : startOfIsoWeek(first);
}

const phone = () => typeof window !== "undefined" && window.matchMedia("(max-width: 700px)").matches;

export function WeekCalendar() {
  const { zones } = useApp();
  const l = useLocale();
  const today = l.today();
  const [week, setWeek] = useState(() => startOfIsoWeek(today));
  const [view, setView] = useState<"week" | "day">(() => (phone() ? "day" : "week"));
  const [day, setDay] = useState(today);
  const [showHidden, setShowHidden] = useState(false);
  const [open, setOpen] = useState<CalendarSession | null>(null);
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const range = { from: days[0]!, to: days[6]!, all: showHidden ? "1" : undefined };
  const cal = useApiGet<{ sessions: CalendarSession[] }>(["calendar", range], "/api/calendar" + qs(range));
  const sessions = cal.data?.sessions ?? [];
  // Enabled zones, plus any disabled one that still has sessions this week.
  const shownZones = zones.filter((z) => z.enabled || sessions.some((s) => s.zoneId === z.id));

  const goWeek = (monday: string) => {
    setWeek(monday);
    setDay(monday <= today && today <= addDays(monday, 6) ? today : monday);
  };
  const label = (s: CalendarSession) => s.programName ?? l.t(`source.${s.source}` as MessageKey);
  const weekLabel = l.t("calendar.weekLabel", { n: isoWeekOf(week).week, from: l.localDate(days[0]).slice(0, 5), to: l.localDate(days[6]) });

  const event = (s: CalendarSession, compact: boolean) => (
    <button type="button" key={s.key} className={`cal-event st-${s.status}`} onClick={() => setOpen(s)} data-testid={`cal-session-${s.key}`} data-status={s.status} data-zone={s.zoneId} data-date={s.localDate}>
      <span className="ev-time">{s.time}</span>
      {compact ? null : <span className="ev-name">{label(s)}</span>}
      <StatusBadge status={s.status} />
    </button>
  );

  return (
    <section className="panel" aria-labelledby="cal-h" data-testid="calendar" data-loaded={cal.data ? "1" : undefined}>
      <div className="cal-toolbar">
        <h2 id="cal-h" className="grow" data-testid="calendar-title">
          {weekLabel}
        </h2>
        <div className="segmented" role="group" aria-label={l.t("calendar.view")}>
          <button type="button" aria-pressed={view === "week"} onClick={() => setView("week")} data-testid="cal-view-week">
            {l.t("calendar.viewWeek")}
          </button>
          <button type="button" aria-pressed={view === "day"} onClick={() => setView("day")} data-testid="cal-view-day">
            {l.t("calendar.viewDay")}
          </button>
        </div>
      </div>
      <div className="cal-toolbar">
        <div className="row gap wrap" role="group" aria-label={l.t("schedule.weekNav")}>
          <button type="button" className="btn" onClick={() => goWeek(addDays(week, -7))} data-testid="week-prev">
            <span aria-hidden="true">‹</span> {l.t("schedule.prevWeek")}
          </button>
          <button type="button" className="btn" onClick={() => goWeek(startOfIsoWeek(today))} data-testid="week-this">
            {l.t("schedule.thisWeek")}
          </button>
          <button type="button" className="btn" onClick={() => goWeek(addDays(week, 7))} data-testid="week-next">
            {l.t("schedule.nextWeek")} <span aria-hidden="true">›</span>
          </button>
        </div>
        <MonthYearPicker
          // The month a week belongs to is the month of its Thursday (as ISO weeks count).
          value={addDays(week, 3).slice(0, 7)}
          onChange={(ym) => goWeek(firstWeekOfMonth(ym))}
          testId="cal"
        />
        <label className="check">
          <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} data-testid="cal-show-hidden" />
          {l.t("calendar.showHidden")}
        </label>
      </div>
      <ErrorBox error={cal.error} />
      {!cal.data && cal.isLoading ? <Loading /> : null}
      {view === "week" ? (
        <TableWrap label={weekLabel}>
          <table className="table cal-grid" data-testid="cal-grid">
            <thead>
              <tr>
                <th scope="col">{l.t("common.zone")}</th>
                {days.map((d, i) => (
                  <th key={d} scope="col" className={d === today ? "today" : ""}>
                    {l.t(`weekdayShort.${i + 1}` as MessageKey)} <span className="muted">{l.localDate(d).slice(0, 5)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shownZones.map((z) => (
                <tr key={z.id} data-testid={`cal-row-${z.code}`}>
                  <th scope="row">{z.name}</th>
                  {days.map((d) => {
                    const list = sessions.filter((s) => s.zoneId === z.id && s.localDate === d);
                    return (
                      <td key={d} className={d === today ? "today" : ""} data-testid={`cal-cell-${z.code}-${d}`}>
                        <div className="cal-cell">{list.map((s) => event(s, true))}</div>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <div data-testid="cal-day">
          <div className="day-tabs" role="group" aria-label={l.t("calendar.pickDay")}>
            {days.map((d, i) => (
              <button type="button" key={d} aria-pressed={d === day} className={d === today ? "today" : ""} onClick={() => setDay(d)} data-testid={`cal-day-${d}`}>
                <span>{l.t(`weekdayShort.${i + 1}` as MessageKey)}</span>
                <span className="small">{l.localDate(d).slice(0, 5)}</span>
              </button>
            ))}
          </div>
          <h3>{`${l.t(`weekday.${isoWeekdayOfDate(day)}` as MessageKey)} ${l.localDate(day)}`}</h3>
          <div className="day-zones">
            {shownZones.map((z) => {
              const list = sessions.filter((s) => s.zoneId === z.id && s.localDate === day);
              return (
                <section key={z.id} className="day-zone" aria-label={z.name} data-testid={`cal-dayzone-${z.code}`}>
                  <h4>{z.name}</h4>
                  {list.length ? <div className="stack-sm">{list.map((s) => event(s, false))}</div> : <p className="muted small">{l.t("calendar.noSessions")}</p>}
                </section>
              );
            })}
          </div>
        </div>
      )}
      <p className="muted small">{l.t("calendar.legend")}</p>
      {open?.airingId ? <AiringDialog id={open.airingId} onClose={() => setOpen(null)} /> : null}
      {open && !open.airingId ? <ExpectedSession session={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

/** A rule's session beyond the planning horizon: its run-down is built 48 h ahead, so
 *  this shows what is known now — the program's items in order. */
function ExpectedSession({ session, onClose }: { session: CalendarSession; onClose: () => void }) {
  const { zones } = useApp();
  const l = useLocale();
  const programs = useApiGet<{ programs: Program[] }>(["programs"], "/api/programs");
  const program = programs.data?.programs.find((p) => p.id === session.programId);
  return (
    <Dialog title={l.t("calendar.expectedTitle")} onClose={onClose} testId="expected-dialog">
      <div className="stack">
        <dl className="facts">
          <div>
            <dt>{l.t("common.program")}</dt>
            <dd>{session.programName ?? "—"}</dd>
          </div>
          <div>
            <dt>{l.t("common.zone")}</dt>
            <dd>{zones.find((z) => z.id === session.zoneId)?.name}</dd>
          </div>
          <div>
            <dt>{l.t("airing.scheduled")}</dt>
            <dd>{l.dateTime(session.start)}</dd>
          </div>
          <div>
            <dt>{l.t("calendar.rule")}</dt>
            <dd>{session.scheduleName ?? "—"}</dd>
          </div>
        </dl>
        <p className="muted">{l.t("calendar.expectedHint")}</p>
        {program ? (
          <ol className="plain-list">
            {program.entries.map((e) => (
              <li key={e.id}>
                {e.item.title} <span className="muted">({l.duration(e.item.durationMs)})</span>
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </Dialog>
  );
}
