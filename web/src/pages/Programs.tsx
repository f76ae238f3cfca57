// Programs: ordered playlists built by drag-and-drop (or the ↑/↓ buttons from the
// keyboard), intro/outro jingles, and the total length against a session maximum.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { ErrorBox, Loading, PageHeader } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet, useApiGetAll } from "../query.ts";
import type { Item, Program, Schedule } from "../types.ts";
import { ProgramEditor } from "./ProgramEditor.tsx";

export function Programs() {
  const { can } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const programsQ = useApiGet<{ programs: Program[] }>(["programs"], "/api/programs");
  const itemsQ = useApiGetAll<"items", Item>(["items", "all"], "/api/items", "items");
  const schedulesQ = useApiGet<{ schedules: Schedule[] }>(["schedules"], "/api/schedules");
  const programs = { data: programsQ.data?.programs, error: programsQ.error };
  const items = { data: itemsQ.data?.items, error: itemsQ.error };
  const schedules = { data: schedulesQ.data?.schedules };
  const [selected, setSelected] = useState<number | "new" | null>(null);
  const [justSaved, setJustSaved] = useState<number | null>(null);

  const current = selected === "new" ? null : (programs.data?.find((p) => p.id === selected) ?? null);
  // The tightest session this program is scheduled into sets its maximum length.
  const limiting = (schedules.data ?? []).filter((s) => s.enabled && current && s.programId === current.id).sort((a, b) => a.maxDurationSec - b.maxDurationSec)[0];

  return (
    <div data-testid="page-programs">
      <PageHeader title={l.t("nav.programs")}>
        {can.editContent ? (
          <button
            type="button"
            className="btn primary"
            onClick={() => {
              setJustSaved(null);
              setSelected("new");
            }}
            data-testid="program-new"
          >
            <span aria-hidden="true">+</span> {l.t("program.new")}
          </button>
        ) : null}
      </PageHeader>
      <ErrorBox error={programs.error ?? items.error} />
      <div className="split">
        <aside className="panel list-panel" aria-label={l.t("program.list")}>
          {!programs.data ? <Loading /> : null}
          {programs.data && !programs.data.length ? <p className="muted">{l.t("program.empty")}</p> : null}
          <ul className="plain select-list" data-testid="program-list">
            {programs.data?.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className={`select-item ${selected === p.id ? "selected" : ""}`}
                  aria-pressed={selected === p.id}
                  onClick={() => {
                    setJustSaved(null);
                    setSelected(p.id);
                  }} data-testid={`program-item-${p.id}`}>
                  <strong>{p.name}</strong>
                  <span className="muted small">
                    {l.t("program.count", { n: p.entries.length })} · {l.duration(p.durationMs)}
                  </span>
                  {p.approval !== "approved" ? (
                    <span className={`badge ${p.approval === "rejected" ? "tone-bad" : "tone-warn"}`} data-testid={`program-approval-${p.id}`}>{l.t(`approval.status.${p.approval}` as MessageKey)}</span>
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <section className="panel grow">
          {selected === null ? <p className="muted">{l.t("program.pick")}</p> : null}
          {selected !== null && items.data && schedules.data ? (
            <ProgramEditor
              key={selected}
              program={current}
              items={items.data}
              readOnly={!can.editContent}
              justSaved={justSaved !== null && justSaved === selected}
              session={limiting ? { name: limiting.name, maxMin: Math.round(limiting.maxDurationSec / 60) } : null}
              others={programs.data ?? []}
              onSaved={(p) => {
                // Show the saved program at once (a new one gets its id now), then refresh.
                if (p) qc.setQueryData<{ programs: Program[] }>(["programs"], (old) => ({ programs: [p, ...(old?.programs ?? []).filter((x) => x.id !== p.id)] }));
                void qc.invalidateQueries({ queryKey: ["programs"] });
                setJustSaved(p?.id ?? null);
                setSelected(p?.id ?? null);
              }}
            />
          ) : null}
        </section>
      </div>
    </div>
  );
}
