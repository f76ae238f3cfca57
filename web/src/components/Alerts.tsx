// Alerts raised by the back end (failed / missed / interrupted airings, outputs down, …):
// a header button with the open count, a dashboard banner for open critical alerts, and a
// panel listing them with "acknowledge".
// Built on the contract in COORDINATION.md (GET /api/alerts, POST /api/alerts/:id/ack,
// SSE alert.raised / alert.acknowledged, which invalidate ["alerts"] in query.ts).
import { useState } from "react";
import { createPortal } from "react-dom";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { qs } from "../api.ts";
import { useApp } from "../context.ts";
import { useLocale } from "../i18n/index.ts";
import { Dialog, ErrorBox, Loading } from "./ui.tsx";

export interface AlertRow {
  id: number;
  kind: string;
  severity: "warning" | "critical";
  messageVi: string;
  messageEn: string;
  zoneId: number | null;
  airingId: number | null;
  createdAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | { displayName?: string; username?: string } | null;
}

interface AlertPage {
  alerts: AlertRow[];
  openCount: number;
  nextCursor: string | number | null;
}

const whoName = (b: AlertRow["acknowledgedBy"]) => (typeof b === "string" ? b : (b?.displayName ?? b?.username ?? ""));

export function AlertsButton() {
  const { api } = useApp();
  const l = useLocale();
  const [open, setOpen] = useState(false);
  // The open count for the badge; live events keep it current, a slow poll is the backstop.
  const count = useQuery({ queryKey: ["alerts", "count"], queryFn: () => api.get<AlertPage>("/api/alerts" + qs({ state: "open", limit: 1 })), refetchInterval: 60_000, retry: false });
  const n = count.data?.openCount ?? 0;
  return (
    <>
      <button type="button" className={`alerts-btn ${n ? "has" : ""}`} onClick={() => setOpen(true)} data-testid="alerts-open" data-count={n}>
        <span aria-hidden="true" className="bell">!</span>
        <span className="alerts-label">{l.t("alerts.title")}</span>
        {n ? <span className="count" data-testid="alerts-count">{n}</span> : null}
        <span className="sr-only">{n ? l.t("alerts.openN", { n }) : l.t("alerts.none")}</span>
      </button>
      {/* Outside the header, whose white-on-blue button styles must not reach the dialog. */}
      {open ? createPortal(<AlertsDialog onClose={() => setOpen(false)} />, document.body) : null}
    </>
  );
}

/** The dashboard banner: open critical alerts, newest first, and a way to the list. */
export function AlertsBanner() {
  const { api } = useApp();
  const l = useLocale();
  const [open, setOpen] = useState(false);
  const q = useQuery({ queryKey: ["alerts", "critical"], queryFn: () => api.get<AlertPage>("/api/alerts" + qs({ state: "open", severity: "critical", limit: 3 })), refetchInterval: 60_000, retry: false });
  const n = q.data?.openCount ?? 0;
  // The dialog outlives the banner: acknowledging the last critical alert keeps it open.
  const dialog = open ? createPortal(<AlertsDialog onClose={() => setOpen(false)} />, document.body) : null;
  if (!n) return dialog;
  return (
    <section className="panel alert-panel alerts-banner" aria-labelledby="alerts-banner-h" data-testid="alerts-banner" data-count={n}>
      <h2 id="alerts-banner-h">
        <span aria-hidden="true">⚠</span> {l.t("alerts.bannerTitle", { n })}
      </h2>
      <ul className="plain stack">
        {q.data!.alerts.map((a) => (
          <li key={a.id} data-testid={`alerts-banner-${a.id}`}>
            <strong>{l.pick(a.messageVi, a.messageEn)}</strong> <span className="muted small">{l.dateTime(a.createdAt)}</span>
          </li>
        ))}
      </ul>
      <div className="row end">
        <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="alerts-banner-review">
          {l.t("alerts.review")}
        </button>
      </div>
      {dialog}
    </section>
  );
}

function AlertsDialog({ onClose }: { onClose: () => void }) {
  const { api, can, zones } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const [state, setState] = useState<"open" | "all">("open");
  const [error, setError] = useState<unknown>(null);
  const list = useInfiniteQuery({
    queryKey: ["alerts", "list", state],
    queryFn: ({ pageParam }) => api.get<AlertPage>("/api/alerts" + qs({ state, limit: 30, cursor: pageParam ?? undefined })),
    initialPageParam: null as string | number | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    retry: false,
  });
  const alerts = list.data?.pages.flatMap((p) => p.alerts) ?? [];
  const ack = async (id: number) => {
    setError(null);
    try {
      await api.send("POST", `/api/alerts/${id}/ack`);
      await qc.invalidateQueries({ queryKey: ["alerts"] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title={l.t("alerts.title")} onClose={onClose} testId="alerts-dialog" wide>
      <div className="stack">
        <div className="segmented" role="group" aria-label={l.t("alerts.filter")}>
          <button type="button" aria-pressed={state === "open"} onClick={() => setState("open")} data-testid="alerts-state-open">
            {l.t("alerts.stateOpen")}
          </button>
          <button type="button" aria-pressed={state === "all"} onClick={() => setState("all")} data-testid="alerts-state-all">
            {l.t("alerts.stateAll")}
          </button>
        </div>
        <ErrorBox error={list.error ?? error} />
        {list.isLoading ? <Loading /> : null}
        {list.data && !alerts.length ? <p className="muted" data-testid="alerts-empty">{l.t("alerts.none")}</p> : null}
        <ul className="plain stack" data-testid="alerts-list">
          {alerts.map((a) => (
            <li key={a.id} className={`alert-item sev-${a.severity}`} data-testid={`alert-${a.id}`} data-kind={a.kind} data-acknowledged={a.acknowledgedAt ? "1" : "0"}>
              <div className="grow">
                <span className={`badge ${a.severity === "critical" ? "tone-bad" : "tone-warn"}`}>{l.t(a.severity === "critical" ? "alerts.critical" : "alerts.warning")}</span>{" "}
                <strong>{l.pick(a.messageVi, a.messageEn)}</strong>
                <span className="muted small block">
                  {l.dateTime(a.createdAt)}
                  {a.zoneId ? ` · ${zones.find((z) => z.id === a.zoneId)?.name ?? ""}` : ""}
                  {a.resolvedAt ? ` · ${l.t("alerts.resolvedAt", { time: l.dateTime(a.resolvedAt) })}` : ""}
                  {a.acknowledgedAt ? ` · ${l.t("alerts.ackBy", { name: whoName(a.acknowledgedBy), time: l.dateTime(a.acknowledgedAt) })}` : ""}
                </span>
                {can.editContent && !a.acknowledgedAt ? (
                  <button type="button" className="btn ack-btn" onClick={() => ack(a.id)} data-testid={`alert-ack-${a.id}`}>
                    {l.t("alerts.ack")}
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
        {list.hasNextPage ? (
          <button type="button" className="btn" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {l.t("alerts.more")}
          </button>
        ) : null}
      </div>
    </Dialog>
  );
}
