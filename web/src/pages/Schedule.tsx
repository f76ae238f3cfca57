// Schedule: a week calendar of sessions per zone (click one for its run-down) and the
// recurring / one-off schedule rules that produce them.
import { useEffect, useState } from "react";
import { qs } from "../api.ts";
import { useApp, useLiveEvents } from "../context.ts";
import { ErrorBox, Field, Loading, PageHeader, StatusBadge, useAsync } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { addDays, startOfWeek } from "../time.ts";
import type { Airing, Program, Schedule } from "../types.ts";
import { AiringDialog } from "./AiringDialog.tsx";
import { ScheduleForm } from "./ScheduleForm.tsx";

export function SchedulePage() {
  const { api, can, zones } = useApp();
  const l = useLocale();
  const [zoneId, setZoneId] = useState<number | "">("");
  const [week, setWeek] = useState(() => startOfWeek(l.today()));
  const [openAiring, setOpenAiring] = useState<number | null>(null);
  const [editing, setEditing] = useState<Schedule | "new" | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (zoneId === "" && zones.length) setZoneId(zones[0]!.id);
  }, [zones, zoneId]);

  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const airings = useAsync(
    () => (zoneId === "" ? Promise.resolve([] as Airing[]) : api.get<{ airings: Airing[] }>("/api/airings" + qs({ from: days[0], to: days[6], zoneId })).then((r) => r.airings)),
    [zoneId, week],
  );
  const schedules = useAsync(() => api.get<{ schedules: Schedule[] }>("/api/schedules").then((r) => r.schedules), []);
  const programs = useAsync(() => api.get<{ programs: Program[] }>("/api/programs").then((r) => r.programs), []);

  useLiveEvents((e) => {
    if (e.type === "airing.status" && airings.data?.some((a) => a.id === Number(e.airingId))) {
      airings.set(airings.data.map((a) => (a.id === Number(e.airingId) ? { ...a, status: e.status as Airing["status"] } : a)));
    }
    if (e.type === "plan.updated") airings.reload();
  });

  const disable = async (s: Schedule) => {
    if (!window.confirm(l.t("schedule.disableConfirm", { name: s.name }))) return;
    try {
      await api.send("DELETE", `/api/schedules/${s.id}`);
      schedules.reload();
      airings.reload();
    } catch (err) {
      setError(err);
    }
  };

  const zoneName = (id: number) => zones.find((z) => z.id === id)?.name ?? `#${id}`;
  const today = l.today();

  return (
    <div data-testid="page-schedule">
      <PageHeader title={l.t("nav.schedule")}>
        {can.schedule ? (
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="schedule-new">
            <span aria-hidden="true">+</span> {l.t("schedule.new")}
          </button>
        ) : null}
      </PageHeader>

      <section className="panel" aria-labelledby="cal-h">
        <div className="row gap align-end wrap">
          <h2 id="cal-h" className="grow">
            {l.t("schedule.week", { from: l.localDate(days[0]), to: l.localDate(days[6]) })}
          </h2>
          <Field label={l.t("common.zone")}>
            <select value={zoneId} onChange={(e) => setZoneId(Number(e.target.value))} data-testid="calendar-zone">
              {zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.name}
                </option>
              ))}
            </select>
          </Field>
          <div className="row gap" role="group" aria-label={l.t("schedule.weekNav")}>
            <button type="button" className="btn" onClick={() => setWeek(addDays(week, -7))} data-testid="week-prev">
              <span aria-hidden="true">‹</span> {l.t("schedule.prevWeek")}
            </button>
            <button type="button" className="btn" onClick={() => setWeek(startOfWeek(today))} data-testid="week-this">
              {l.t("schedule.thisWeek")}
            </button>
            <button type="button" className="btn" onClick={() => setWeek(addDays(week, 7))} data-testid="week-next">
              {l.t("schedule.nextWeek")} <span aria-hidden="true">›</span>
            </button>
          </div>
        </div>
        <ErrorBox error={airings.error} />
        <div className="week-grid" data-testid="week-grid">
          {days.map((d, i) => {
            const list = (airings.data ?? []).filter((a) => a.localDate === d);
            return (
              <div key={d} className={`day-col ${d === today ? "today" : ""}`} data-testid={`day-${d}`}>
                <h3 className="day-head">
                  <span>{l.t(`weekday.${i + 1}` as MessageKey)}</span>
                  <span className="muted">{l.localDate(d).slice(0, 5)}</span>
                </h3>
                {list.length ? null : <p className="muted small">—</p>}
                {list.map((a) => (
                  <button
                    type="button"
                    key={a.id}
                    className={`cal-event st-${a.status}`}
                    onClick={() => setOpenAiring(a.id)}
                    data-testid={`cal-airing-${a.id}`}
                    data-status={a.status}
                    aria-label={l.t("schedule.eventLabel", { time: l.time(a.scheduledStart), name: a.program?.name ?? l.t(`source.${a.source}` as MessageKey), status: l.t(`status.${a.status}`) })}
                  >
                    <span className="ev-time">{l.time(a.scheduledStart)}</span>
                    <span className="ev-name">{a.program?.name ?? l.t(`source.${a.source}` as MessageKey)}</span>
                    <StatusBadge status={a.status} />
                  </button>
                ))}
              </div>
            );
          })}
        </div>
        {airings.loading && !airings.data ? <Loading /> : null}
      </section>

      <section className="panel" aria-labelledby="rules-h">
        <h2 id="rules-h">{l.t("schedule.rules")}</h2>
        <ErrorBox error={schedules.error ?? error} />
        {schedules.data && !schedules.data.length ? <p className="muted">{l.t("schedule.noRules")}</p> : null}
        {schedules.data?.length ? (
          <table className="table" data-testid="schedules-table">
            <thead>
              <tr>
                <th scope="col">{l.t("schedule.name")}</th>
                <th scope="col">{l.t("common.program")}</th>
                <th scope="col">{l.t("schedule.when")}</th>
                <th scope="col">{l.t("common.zones")}</th>
                <th scope="col">{l.t("schedule.max")}</th>
                <th scope="col">{l.t("common.status")}</th>
                {can.schedule ? <th scope="col">{l.t("common.actions")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {schedules.data.map((s) => (
                <tr key={s.id} className={s.enabled ? "" : "disabled-row"} data-testid={`schedule-row-${s.id}`}>
                  <td>{s.name}</td>
                  <td>{s.program?.name}</td>
                  <td>
                    <strong>{s.startTime}</strong>{" "}
                    {s.kind === "once" ? l.localDate(s.date) : s.daysOfWeek.map((d) => l.t(`weekdayShort.${d}` as MessageKey)).join(", ")}
                    {s.validFrom || s.validTo ? <span className="muted small block">{l.localDate(s.validFrom) || "…"} – {l.localDate(s.validTo) || "…"}</span> : null}
                  </td>
                  <td className="small">{s.zoneIds.map(zoneName).join(", ")}</td>
                  <td>{l.t("common.minutes", { n: Math.round(s.maxDurationSec / 60) })}</td>
                  <td>{s.enabled ? <span className="badge tone-ok">{l.t("common.enabled")}</span> : <span className="badge tone-muted">{l.t("common.disabled")}</span>}</td>
                  {can.schedule ? (
                    <td className="nowrap">
                      <button type="button" className="btn small" onClick={() => setEditing(s)} data-testid={`schedule-edit-${s.id}`}>
                        {l.t("common.edit")}
                      </button>{" "}
                      {s.enabled ? (
                        <button type="button" className="btn small danger-outline" onClick={() => disable(s)} data-testid={`schedule-disable-${s.id}`}>
                          {l.t("schedule.disable")}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      {editing !== null && programs.data ? (
        <ScheduleForm
          schedule={editing === "new" ? null : editing}
          programs={programs.data}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            schedules.reload();
            airings.reload();
          }}
        />
      ) : null}
      {openAiring !== null ? <AiringDialog id={openAiring} onClose={() => setOpenAiring(null)} onChanged={airings.reload} /> : null}
    </div>
  );
}
