// Editor of one program. Order changes by HTML5 drag-and-drop or by the ↑/↓ buttons
// (keyboard users); the length is computed as the render will produce it.
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { Dialog, ErrorBox, Field, Notice, StatusBadge, useAction, useConfirm } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { nameKey, parseDecimal, validate } from "../forms.ts";
import type { Item, Program } from "../types.ts";
import { DuplicateWarning } from "./LibraryForms.tsx";
import { programLengthMs } from "../../../server/domain/rundown.ts";

/** intro + items + gaps + outro, by the API's own function. */
function totalMs(ids: number[], intro: number | "", outro: number | "", gapMs: number, byId: Map<number, Item>): number {
  const lines = [intro, ...ids, outro].filter((x): x is number => x !== "").map((id) => byId.get(id)?.durationMs ?? 0);
  return programLengthMs(lines, gapMs);
}

export function ProgramEditor(props: {
  program: Program | null;
  items: Item[];
  readOnly: boolean;
  justSaved?: boolean;
  /** The shortest enabled schedule using this program, if any. */
  session: { name: string; maxMin: number } | null;
  onSaved: (p: Program | null) => void;
  /** Every program, to warn about a second one of the same name. */
  others: Program[];
}) {
  const { program, items, readOnly, onSaved } = props;
  const { api, can } = useApp();
  const l = useLocale();
  const byId = new Map(items.map((i) => [i.id, i]));
  // Entries may point at archived items that the library list no longer returns.
  for (const e of program?.entries ?? []) if (!byId.has(e.itemId)) byId.set(e.itemId, { ...e.item, id: e.itemId } as unknown as Item);
  const [name, setName] = useState(program?.name ?? "");
  const [description, setDescription] = useState(program?.description ?? "");
  const [intro, setIntro] = useState<number | "">(program?.introItemId ?? "");
  const [outro, setOutro] = useState<number | "">(program?.outroItemId ?? "");
  const [gapSec, setGapSec] = useState(String((program?.gapMs ?? 1000) / 1000).replace(".", ","));
  const [ids, setIds] = useState<number[]>(() => program?.entries.map((e) => e.itemId) ?? []);
  const [maxMin, setMaxMin] = useState(String(props.session?.maxMin ?? 30));
  const [toAdd, setToAdd] = useState<number | "">("");
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);
  const { busy, error, setError, run } = useAction();
  const confirm = useConfirm();
  const duplicate = props.others.find((p) => p.id !== program?.id && nameKey(p.name) === nameKey(name) && nameKey(name) !== "");
  const [saved, setSaved] = useState(!!props.justSaved);
  const [airNow, setAirNow] = useState(false);
  const [announce, setAnnounce] = useState("");
  // After a move by the ↑/↓ buttons the rows re-render; keep focus on the moved entry.
  const [focusAfterMove, setFocusAfterMove] = useState<{ idx: number; dir: "up" | "down" } | null>(null);
  const entriesRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (!focusAfterMove) return;
    const find = (dir: string) => entriesRef.current?.querySelector<HTMLButtonElement>(`[data-testid="entry-${dir}-${focusAfterMove.idx}"]`);
    const same = find(focusAfterMove.dir);
    (same && !same.disabled ? same : find(focusAfterMove.dir === "up" ? "down" : "up"))?.focus();
    setFocusAfterMove(null);
  }, [focusAfterMove]);

  const usable = items.filter((i) => !i.archived);
  const gapMs = Math.round((parseDecimal(gapSec) ?? 0) * 1000) || 0;
  const total = totalMs(ids, intro, outro, gapMs, byId);
  const maxMs = (parseDecimal(maxMin) ?? 0) * 60_000;
  const over = maxMs > 0 && total > maxMs;

  const move = (from: number, to: number) => {
    if (to < 0 || to >= ids.length || from === to) return;
    const next = [...ids];
    const [x] = next.splice(from, 1);
    next.splice(to, 0, x!);
    setIds(next);
    setSaved(false);
    setAnnounce(l.t("program.moved", { title: byId.get(x!)?.title ?? "", pos: to + 1 }));
  };

  const onDrop = (e: DragEvent, to: number) => {
    e.preventDefault();
    const from = dragFrom ?? Number(e.dataTransfer.getData("text/plain"));
    setDragFrom(null);
    setDragOver(null);
    if (Number.isInteger(from)) move(from, to);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      validate(l, [
        [l.t("program.name"), name, { required: true, maxLength: 200 }],
        [l.t("program.description"), description, { maxLength: 2000 }],
        [l.t("program.gap"), gapSec, { number: { min: 0, max: 30, decimal: true } }],
      ]);
      const body = { name: name.trim(), description: description.trim(), introItemId: intro === "" ? null : intro, outroItemId: outro === "" ? null : outro, gapMs, itemIds: ids };
      const r = program ? await api.send<{ program: Program }>("PUT", `/api/programs/${program.id}`, body) : await api.send<{ program: Program }>("POST", "/api/programs", body);
      setSaved(true);
      onSaved(r.program);
    });
  };

  const archive = async () => {
    if (!program || !(await confirm.ask({ title: l.t("program.archive"), message: l.t("program.archiveConfirm", { name: program.name }), confirm: l.t("program.archive"), danger: true }))) return;
    try {
      await api.send("DELETE", `/api/programs/${program.id}`);
      onSaved(null);
    } catch (err) {
      setError(err);
    }
  };

  const itemOption = (i: Item) => (
    <option key={i.id} value={i.id}>
      {i.title} ({l.duration(i.durationMs)}){i.status !== "ready" ? ` — ${l.t(`status.${i.status}`)}` : ""}
    </option>
  );

  return (
    <form onSubmit={submit} className="stack" data-testid="program-editor" noValidate>
      <h2>{program ? program.name : l.t("program.new")}</h2>
      <fieldset disabled={readOnly} className="plain-fieldset stack">
        <div className="grid2">
          <Field label={l.t("program.name")}>
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="program-name" />
          </Field>
          <Field label={l.t("program.description")}>
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
        </div>
        <DuplicateWarning what="program" name={duplicate?.name} />
        <div className="grid3">
          <Field label={l.t("program.intro")}>
            <select value={intro} onChange={(e) => setIntro(e.target.value ? Number(e.target.value) : "")} data-testid="program-intro">
              <option value="">{l.t("common.none")}</option>
              {usable.map(itemOption)}
            </select>
          </Field>
          <Field label={l.t("program.outro")}>
            <select value={outro} onChange={(e) => setOutro(e.target.value ? Number(e.target.value) : "")} data-testid="program-outro">
              <option value="">{l.t("common.none")}</option>
              {usable.map(itemOption)}
            </select>
          </Field>
          <Field label={l.t("program.gap")}>
            <input inputMode="decimal" value={gapSec} onChange={(e) => setGapSec(e.target.value)} data-testid="program-gap" />
          </Field>
        </div>

        <h3 id="entries-h">{l.t("program.entries")}</h3>
        {!readOnly ? <p className="muted small">{l.t("program.dragHint")}</p> : null}
        <ol className="entries" aria-labelledby="entries-h" data-testid="program-entries" ref={entriesRef}>
          {ids.map((id, idx) => {
            const it = byId.get(id);
            return (
              <li
                key={`${id}-${idx}`}
                className={`entry ${dragOver === idx ? "drop-target" : ""} ${dragFrom === idx ? "dragging" : ""}`}
                draggable={!readOnly}
                onDragStart={(e) => {
                  setDragFrom(idx);
                  e.dataTransfer.effectAllowed = "move";
                  e.dataTransfer.setData("text/plain", String(idx));
                }}
                onDragOver={(e) => {
                  e.preventDefault();
                  setDragOver(idx);
                }}
                onDragLeave={() => setDragOver(null)}
                onDragEnd={() => {
                  setDragFrom(null);
                  setDragOver(null);
                }}
                onDrop={(e) => onDrop(e, idx)}
                data-testid={`entry-${idx}`}
                data-item-id={id}
              >
                {!readOnly ? (
                  <span className="handle" aria-hidden="true">
                    ⋮⋮
                  </span>
                ) : null}
                <span className="pos">{idx + 1}.</span>
                <span className="grow">
                  {it?.title ?? `#${id}`}
                  {it && it.status !== "ready" ? (
                    <>
                      {" "}
                      <StatusBadge status={it.status} item />
                    </>
                  ) : null}
                </span>
                <span className="muted">{l.duration(it?.durationMs ?? 0)}</span>
                {!readOnly ? (
                  <span className="entry-actions">
                    <button
                      type="button"
                      className="icon-btn"
                      onClick={() => {
                        move(idx, idx - 1);
                        setFocusAfterMove({ idx: idx - 1, dir: "up" });
                      }}
                      disabled={idx === 0}
                      aria-label={l.t("program.up", { title: it?.title ?? "" })}
                      data-testid={`entry-up-${idx}`}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="icon-btn"
                      onClick={() => {
                        move(idx, idx + 1);
                        setFocusAfterMove({ idx: idx + 1, dir: "down" });
                      }}
                      disabled={idx === ids.length - 1}
                      aria-label={l.t("program.down", { title: it?.title ?? "" })}
                      data-testid={`entry-down-${idx}`}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="icon-btn"
                      onClick={() => {
                        setIds(ids.filter((_, j) => j !== idx));
                        setSaved(false);
                      }}
                      aria-label={l.t("program.remove", { title: it?.title ?? "" })}
                      data-testid={`entry-remove-${idx}`}
                    >
                      ✕
                    </button>
                  </span>
                ) : null}
              </li>
            );
          })}
          {!ids.length ? <li className="muted">{l.t("program.noEntries")}</li> : null}
        </ol>
        <p className="sr-only" aria-live="polite">
          {announce}
        </p>
        {!readOnly ? (
          <div className="row gap align-end">
            <Field label={l.t("program.addItem")} className="grow">
              <select value={toAdd} onChange={(e) => setToAdd(e.target.value ? Number(e.target.value) : "")} data-testid="program-add-select">
                <option value="">{l.t("common.choose")}</option>
                {usable.map(itemOption)}
              </select>
            </Field>
            <button
              type="button"
              className="btn"
              disabled={toAdd === ""}
              data-testid="program-add"
              onClick={() => {
                if (toAdd !== "") setIds([...ids, toAdd]);
                setSaved(false);
                setToAdd("");
              }}
            >
              <span aria-hidden="true">+</span> {l.t("program.add")}
            </button>
          </div>
        ) : null}
      </fieldset>

      <div className={`duration-box ${over ? "over" : ""}`} data-testid="program-duration">
        <div className="row gap align-end">
          <div className="grow">
            <strong>{l.t("program.total")}:</strong> <span data-testid="program-total">{l.duration(total)}</span>
            {over ? <span className="bad strong"> — {l.t("program.over", { over: l.duration(total - maxMs) })}</span> : null}
          </div>
          <Field label={l.t("program.sessionMax")} hint={props.session ? l.t("program.sessionFrom", { name: props.session.name }) : undefined}>
            <input inputMode="numeric" value={maxMin} onChange={(e) => setMaxMin(e.target.value)} className="narrow" data-testid="program-max" />
          </Field>
        </div>
        <div className="meter" aria-hidden="true">
          <div className="meter-fill" style={{ width: `${maxMs ? Math.min(100, (total / maxMs) * 100) : 0}%` }} />
        </div>
      </div>

      <ErrorBox error={error} testId="program-error" />
      {saved ? <Notice testId="program-saved">{l.t("common.saved")}</Notice> : null}
      {!readOnly ? (
        <div className="row gap end wrap form-actions">
          {program && can.schedule ? (
            <button type="button" className="btn" onClick={() => setAirNow(true)} data-testid="program-air-now">
              <span aria-hidden="true">▶</span> {l.t("program.airNow")}
            </button>
          ) : null}
          {program ? (
            <button type="button" className="btn danger-outline" onClick={archive} data-testid="program-archive">
              {l.t("program.archive")}
            </button>
          ) : null}
          <button type="submit" className="btn primary" disabled={busy} data-testid="program-save">
            {busy ? l.t("common.working") : l.t("common.save")}
          </button>
        </div>
      ) : null}
      {airNow && program ? <AirNowDialog program={program} onClose={() => setAirNow(false)} /> : null}
      {confirm.element}
    </form>
  );
}

function AirNowDialog({ program, onClose }: { program: Program; onClose: () => void }) {
  const { api, zones } = useApp();
  const l = useLocale();
  const enabled = zones.filter((z) => z.enabled);
  const [zoneIds, setZoneIds] = useState<number[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const start = async () => {
    setError(null);
    try {
      await api.send("POST", "/api/airings/air-now", { programId: program.id, zoneIds });
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title={l.t("program.airNowTitle", { name: program.name })} onClose={onClose} testId="air-now-dialog">
      <div className="stack">
        <fieldset className="checks">
          <legend>{l.t("common.zones")}</legend>
          {enabled.map((z) => (
            <label key={z.id} className="check">
              <input type="checkbox" checked={zoneIds.includes(z.id)} onChange={() => setZoneIds(zoneIds.includes(z.id) ? zoneIds.filter((x) => x !== z.id) : [...zoneIds, z.id])} data-testid={`air-now-zone-${z.code}`} />
              {z.name}
            </label>
          ))}
        </fieldset>
        <ErrorBox error={error} />
        {done ? <Notice>{l.t("program.airNowDone")}</Notice> : null}
        <div className="row gap end form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {done ? l.t("common.close") : l.t("common.cancel")}
          </button>
          {!done ? (
            <button type="button" className="btn primary" disabled={!zoneIds.length} onClick={start}>
              <span aria-hidden="true">▶</span> {l.t("program.airNowConfirm")}
            </button>
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}
