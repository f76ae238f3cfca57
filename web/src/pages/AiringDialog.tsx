// The run-down of one airing: every line with its offset, length and the reason it is
// there (program / priority / campaign / make-good / bumped …), plus what actually aired.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { Dialog, ErrorBox, Loading, StatusBadge, TableWrap, useConfirm } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet } from "../query.ts";
import type { AiringDetail } from "../types.ts";
import { splitReason } from "./LibraryForms.tsx";

/** The run-down of one airing; live events refresh it through the ["airing", id] cache entry. */
export function AiringDialog({ id, onClose }: { id: number; onClose: () => void }) {
  const { api, can } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const airing = useApiGet<{ airing: AiringDetail }>(["airing", id], `/api/airings/${id}`);
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();
  const a = airing.data?.airing;

  const cancel = async () => {
    if (!(await confirm.ask({ title: l.t("airing.cancel"), message: l.t("airing.cancelConfirm"), confirm: l.t("airing.cancel"), danger: true }))) return;
    try {
      await api.send("POST", `/api/airings/${id}/cancel`);
      await qc.invalidateQueries({ queryKey: ["airing", id] });
      void qc.invalidateQueries({ queryKey: ["airings"] });
      void qc.invalidateQueries({ queryKey: ["calendar"] });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Dialog title={l.t("airing.title")} onClose={onClose} testId="airing-dialog" wide>
      {!a ? <Loading /> : null}
      <ErrorBox error={airing.error ?? error} />
      {a ? (
        <div className="stack">
          <dl className="facts">
            <div>
              <dt>{l.t("common.program")}</dt>
              <dd>{a.program?.name ?? l.t(`source.${a.source}` as MessageKey)}</dd>
            </div>
            <div>
              <dt>{l.t("common.zone")}</dt>
              <dd>{a.zone?.name}</dd>
            </div>
            <div>
              <dt>{l.t("airing.scheduled")}</dt>
              <dd>{l.dateTime(a.scheduledStart)}</dd>
            </div>
            <div>
              <dt>{l.t("common.status")}</dt>
              <dd>
                <StatusBadge status={a.status} testId="airing-status" />
              </dd>
            </div>
            {a.actualStart ? (
              <div>
                <dt>{l.t("airing.actual")}</dt>
                <dd>
                  {l.timeSec(a.actualStart)}
                  {a.actualEnd ? ` – ${l.timeSec(a.actualEnd)}` : ""}
                </dd>
              </div>
            ) : null}
            <div>
              <dt>{l.t("airing.max")}</dt>
              <dd>{l.duration(a.maxDurationMs)}</dd>
            </div>
          </dl>
          {a.statusReason ? <p className="muted">{l.pick(...splitReason(a.statusReason))}</p> : null}
          <h3>{l.t("airing.rundown")}</h3>
          <TableWrap label={l.t("airing.rundown")}>
          <table className="table" data-testid="rundown">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{l.t("airing.offset")}</th>
                <th scope="col">{l.t("common.item")}</th>
                <th scope="col">{l.t("common.duration")}</th>
                <th scope="col">{l.t("airing.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {a.lines.map((line) => (
                <tr key={line.id} className={line.bumped ? "bumped" : ""} data-reason={line.reason}>
                  <td>{line.position + 1}</td>
                  <td>{line.bumped ? "—" : `+${l.duration(line.offsetMs)}`}</td>
                  <td>{line.item.title}</td>
                  <td>{l.duration(line.durationMs)}</td>
                  <td>
                    <span className={`badge reason-${line.reason}`}>{l.t(`reason.${line.reason}` as MessageKey)}</span>{" "}
                    <span className="small">{l.pick(line.reasonVi, line.reasonEn)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </TableWrap>
          {a.asRuns.length ? (
            <>
              <h3>{l.t("airing.asRun")}</h3>
              <TableWrap label={l.t("airing.asRun")}>
              <table className="table compact" data-testid="airing-asrun">
                <thead>
                  <tr>
                    <th scope="col">{l.t("common.item")}</th>
                    <th scope="col">{l.t("asrun.start")}</th>
                    <th scope="col">{l.t("asrun.end")}</th>
                    <th scope="col">{l.t("common.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.asRuns.map((r) => (
                    <tr key={r.id}>
                      <td>{r.item?.title ?? "—"}</td>
                      <td>{l.timeSec(r.actualStart)}</td>
                      <td>{r.actualEnd ? l.timeSec(r.actualEnd) : "—"}</td>
                      <td>
                        <StatusBadge status={r.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </TableWrap>
            </>
          ) : null}
          {can.schedule && (a.status === "planned" || a.status === "ready") ? (
            <div className="row end">
              <button type="button" className="btn danger-outline" onClick={cancel} data-testid="airing-cancel">
                {l.t("airing.cancel")}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {confirm.element}
    </Dialog>
  );
}
