// Create or edit a schedule rule: recurring on weekdays, or a one-off session on a date.
import { useState, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { DateField, Dialog, ErrorBox, Field, useAction } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { FormError, parseDecimal, problemsOf } from "../forms.ts";
import type { Program, Schedule } from "../types.ts";

export function ScheduleForm({ schedule, programs, onClose, onSaved }: { schedule: Schedule | null; programs: Program[]; onClose: () => void; onSaved: () => void }) {
  const { api, zones } = useApp();
  const l = useLocale();
  const [name, setName] = useState(schedule?.name ?? "");
  const [programId, setProgramId] = useState<number | "">(schedule?.programId ?? "");
  const [kind, setKind] = useState<"recurring" | "once">(schedule?.kind ?? "recurring");
  const [days, setDays] = useState<number[]>(schedule?.daysOfWeek ?? [1, 2, 3, 4, 5, 6]);
  const [startTime, setStartTime] = useState(schedule?.startTime ?? "");
  const [date, setDate] = useState(schedule?.date ?? l.today());
  const [validFrom, setValidFrom] = useState(schedule?.validFrom ?? "");
  const [validTo, setValidTo] = useState(schedule?.validTo ?? "");
  const [maxMin, setMaxMin] = useState(String(Math.round((schedule?.maxDurationSec ?? 1800) / 60)));
  const [zoneIds, setZoneIds] = useState<number[]>(schedule?.zoneIds ?? []);
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const { busy, error, setError, run } = useAction();

  const program = programs.find((p) => p.id === programId);
  const maxMinutes = parseDecimal(maxMin) ?? 0;
  const tooLong = program && maxMinutes > 0 && program.durationMs > maxMinutes * 60_000;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const time = startTime.trim().replace(/^(\d):/, "0$1:");
    const problems = problemsOf(l, [
      [l.t("schedule.name"), name, { required: true, maxLength: 200 }],
      [l.t("common.program"), String(programId), { required: true }],
      [l.t("schedule.startTime"), time, { required: true, pattern: { re: /^([01]\d|2[0-3]):[0-5]\d$/, hint: "schedule.badTime" } }],
      [l.t("schedule.maxMinutes"), maxMin, { required: true, number: { min: 1, max: 1440 } }],
    ]);
    if (kind === "once" && !date) problems.push({ label: l.t("schedule.date"), message: l.t("form.dateInvalid") });
    if (kind === "recurring" && !days.length) problems.push({ label: l.t("schedule.days"), message: l.t("schedule.pickDays") });
    if (!zoneIds.length) problems.push({ label: l.t("common.zones"), message: l.t("schedule.pickZones") });
    if (problems.length) return setError(new FormError(problems));
    if (programId === "") return; // reported above; narrows the type for the request body
    await run(async () => {
      const body = {
        name: name.trim(),
        programId,
        kind,
        daysOfWeek: kind === "recurring" ? [...days].sort((a, b) => a - b) : [],
        startTime: time,
        date: kind === "once" ? date : null,
        validFrom: validFrom || null,
        validTo: validTo || null,
        maxDurationSec: Math.round(maxMinutes * 60),
        zoneIds,
        enabled,
      };
      if (schedule) await api.send("PUT", `/api/schedules/${schedule.id}`, body);
      else await api.send("POST", "/api/schedules", body);
      onSaved();
    });
  };

  const toggle = (list: number[], v: number) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  return (
    <Dialog title={schedule ? l.t("schedule.edit") : l.t("schedule.new")} onClose={onClose} testId="schedule-dialog" wide>
      <form onSubmit={submit} className="stack" noValidate>
        <div className="grid2">
          <Field label={l.t("schedule.name")}>
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="schedule-name" />
          </Field>
          <Field label={l.t("common.program")}>
            <select value={programId} onChange={(e) => setProgramId(e.target.value ? Number(e.target.value) : "")} data-testid="schedule-program">
              <option value="">{l.t("common.choose")}</option>
              {programs.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({l.duration(p.durationMs)})
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset className="checks inline">
          <legend>{l.t("schedule.kind")}</legend>
          <label className="check">
            <input type="radio" name="kind" checked={kind === "recurring"} onChange={() => setKind("recurring")} data-testid="schedule-kind-recurring" />
            {l.t("schedule.recurring")}
          </label>
          <label className="check">
            <input type="radio" name="kind" checked={kind === "once"} onChange={() => setKind("once")} data-testid="schedule-kind-once" />
            {l.t("schedule.once")}
          </label>
        </fieldset>
        <div className="grid3">
          <Field label={l.t("schedule.startTime")} hint={l.t("schedule.timeHint")}>
            <input value={startTime} onChange={(e) => setStartTime(e.target.value)} placeholder={l.t("form.timePlaceholder")} inputMode="numeric" data-testid="schedule-time" />
          </Field>
          {kind === "once" ? <DateField label={l.t("schedule.date")} value={date} onChange={setDate} required testId="schedule-date" /> : null}
          <Field label={l.t("schedule.maxMinutes")}>
            <input inputMode="numeric" value={maxMin} onChange={(e) => setMaxMin(e.target.value)} data-testid="schedule-max" />
          </Field>
        </div>
        {tooLong ? <p className="bad">{l.t("schedule.tooLong", { len: l.duration(program.durationMs) })}</p> : null}
        {kind === "recurring" ? (
          <>
            <fieldset className="checks inline">
              <legend>{l.t("schedule.days")}</legend>
              {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                <label key={d} className="check">
                  <input type="checkbox" checked={days.includes(d)} onChange={() => setDays(toggle(days, d))} data-testid={`schedule-day-${d}`} />
                  {l.t(`weekdayShort.${d}` as MessageKey)}
                </label>
              ))}
            </fieldset>
            <div className="grid2">
              <DateField label={l.t("schedule.validFrom")} value={validFrom} onChange={setValidFrom} />
              <DateField label={l.t("schedule.validTo")} value={validTo} onChange={setValidTo} />
            </div>
          </>
        ) : null}
        <fieldset className="checks">
          <legend>{l.t("common.zones")}</legend>
          {zones.map((z) => (
            <label key={z.id} className="check">
              <input type="checkbox" checked={zoneIds.includes(z.id)} onChange={() => setZoneIds(toggle(zoneIds, z.id))} data-testid={`schedule-zone-${z.code}`} />
              {z.name}
              {!z.enabled ? <span className="muted"> ({l.t("common.disabled")})</span> : null}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          {l.t("common.enabled")}
        </label>
        <ErrorBox error={error} testId="schedule-error" />
        <div className="row gap end form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {l.t("common.cancel")}
          </button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="schedule-save">
            {busy ? l.t("common.working") : l.t("common.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
