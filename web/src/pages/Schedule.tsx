// Schedule: the broadcast calendar of all zones (Calendar.tsx) and the recurring /
// one-off schedule rules that produce its sessions.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { ErrorBox, PageHeader, TableWrap, useConfirm } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet } from "../query.ts";
import type { Program, Schedule } from "../types.ts";
import { ScheduleForm } from "./ScheduleForm.tsx";
import { WeekCalendar } from "./Calendar.tsx";

export function SchedulePage() {
  const { api, can, zones } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Schedule | "new" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();
  const schedulesQ = useApiGet<{ schedules: Schedule[] }>(["schedules"], "/api/schedules");
  const programsQ = useApiGet<{ programs: Program[] }>(["programs"], "/api/programs");
  const schedules = { data: schedulesQ.data?.schedules, error: schedulesQ.error };
  const programs = programsQ.data?.programs;
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["schedules"] });
    void qc.invalidateQueries({ queryKey: ["calendar"] });
    void qc.invalidateQueries({ queryKey: ["airings"] });
  };

  const disable = async (s: Schedule) => {
    if (!(await confirm.ask({ title: l.t("schedule.disable"), message: l.t("schedule.disableConfirm", { name: s.name }), confirm: l.t("schedule.disable"), danger: true }))) return;
    try {
      await api.send("DELETE", `/api/schedules/${s.id}`);
      refresh();
    } catch (err) {
      setError(err);
    }
  };

  const zoneName = (id: number) => zones.find((z) => z.id === id)?.name ?? `#${id}`;

  return (
    <div data-testid="page-schedule">
      <PageHeader title={l.t("nav.schedule")}>
        {can.schedule ? (
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="schedule-new">
            <span aria-hidden="true">+</span> {l.t("schedule.new")}
          </button>
        ) : null}
      </PageHeader>

      <WeekCalendar />

      <section className="panel" aria-labelledby="rules-h">
        <h2 id="rules-h">{l.t("schedule.rules")}</h2>
        <ErrorBox error={schedules.error ?? error} />
        {schedules.data && !schedules.data.length ? <p className="muted">{l.t("schedule.noRules")}</p> : null}
        {schedules.data?.length ? (
          <TableWrap label={l.t("schedule.rules")}>
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
          </TableWrap>
        ) : null}
      </section>

      {editing !== null && programs ? (
        <ScheduleForm
          schedule={editing === "new" ? null : editing}
          programs={programs}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            refresh();
          }}
        />
      ) : null}
      {confirm.element}
    </div>
  );
}
