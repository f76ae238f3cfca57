// Dashboard: live now playing / next up per zone, today's sessions, system health,
// today's campaign deficits, active emergencies with their Stop control, and the
// emergency button (also opened straight from the installed app's shortcut).
import { useEffect, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { qs } from "../api.ts";
import { useApp, useLiveEvents } from "../context.ts";
import { ErrorBox, Loading, PageHeader, StatusBadge, TableWrap, useConfirm } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet, useApiGetAll } from "../query.ts";
import type { Airing, Campaign, CampaignStatus, Emergency, LiveStatus } from "../types.ts";
import { EmergencyDialog } from "./EmergencyDialog.tsx";
import { QueueTable } from "./Queues.tsx";
import { AiringDialog } from "./AiringDialog.tsx";
import { SystemHealth } from "../components/SystemHealth.tsx";
import { AlertsBanner } from "../components/Alerts.tsx";
import { OverdueDirectives } from "./Directives.tsx";

export function Dashboard() {
  const { api, can, live } = useApp();
  const l = useLocale();
  const today = l.today();
  const qc = useQueryClient();
  // The installed app's "Phát khẩn cấp" shortcut opens /?emergency=1.
  const [showEmergency, setShowEmergency] = useState(() => can.schedule && new URLSearchParams(window.location.search).has("emergency"));
  const [openAiring, setOpenAiring] = useState<number | null>(null);
  const [cancelError, setCancelError] = useState<unknown>(null);
  const confirm = useConfirm();
  const announce = useAnnouncer();
  const airingsKey = ["airings", { from: today, to: today }];
  const airingsQ = useApiGetAll<"airings", Airing>(airingsKey, "/api/airings" + qs({ from: today, to: today }), "airings", { refetchInterval: 20_000 });
  // A session replaced by a newer plan is not news for the operator (the calendar can show it).
  const airings = { data: airingsQ.data?.airings.filter((a) => a.status !== "superseded"), error: airingsQ.error };
  const statusQ = useApiGet<LiveStatus>(["status"], "/api/status");
  const emergenciesQ = useApiGet<{ emergencies: Emergency[] }>(["emergencies"], "/api/emergencies");
  const activeEmergencies = emergenciesQ.data?.emergencies.filter((e) => e.status === "active");
  const deficits = useQuery({
    queryKey: ["deficits", today],
    queryFn: async () => {
      const { campaigns } = await api.get<{ campaigns: Campaign[] }>("/api/campaigns");
      const active = campaigns.filter((c) => c.enabled && c.startDate <= today && c.endDate >= today);
      const statuses = await Promise.all(active.map((c) => api.get<CampaignStatus>(`/api/campaigns/${c.id}/status?days=1`)));
      return statuses.flatMap((s) => s.zones.filter((z) => z.today.target).map((z) => ({ campaign: s.campaign.name, ...z })));
    },
  });

  useLiveEvents((e) => {
    if (e.type === "airing.status") {
      const id = Number(e.airingId);
      const known = qc.getQueryData<{ airings: Airing[] }>(airingsKey)?.airings.find((a) => a.id === id);
      // Screen readers hear each change of today's sessions once, politely.
      if (known && typeof e.status === "string") {
        announce.say(
          l.t("dash.announceAiring", {
            zone: known.zone?.name ?? "",
            time: l.time(known.scheduledStart),
            program: known.program?.name ?? l.t(`source.${known.source}` as MessageKey),
            status: l.t(`status.${e.status}` as MessageKey),
          }),
        );
      }
      // A session of today not in the list yet (e.g. an emergency): fetch the list.
      if (!known) void qc.invalidateQueries({ queryKey: airingsKey });
    }
    if (e.type === "emergency.started" || e.type === "emergency.cancelled") {
      announce.say(l.t(e.type === "emergency.started" ? "dash.announceEmergencyStarted" : "dash.announceEmergencyCancelled"));
    }
  });

  const status = statusQ.data ?? live.status;

  // The server leaves a one-shot emergency "active" after it aired; it is running only
  // while one of its airings is still to come or on air (repeats: until "until").
  const running = (activeEmergencies ?? []).filter((e) =>
    e.repeatEveryMin
      ? !e.until || new Date(e.until).getTime() > Date.now()
      : (airings.data ?? []).some((a) => a.emergencyId === e.id && (a.status === "planned" || a.status === "ready" || a.status === "airing")),
  );

  const cancelEmergency = async (e: Emergency) => {
    const ok = await confirm.ask({ title: l.t("emergency.stopTitle"), message: l.t("emergency.cancelConfirm", { item: e.item?.title ?? "" }), confirm: l.t("emergency.stopConfirm"), danger: true });
    if (!ok) return;
    setCancelError(null);
    try {
      await api.send("POST", `/api/emergencies/${e.id}/cancel`);
    } catch (err) {
      setCancelError(err);
    }
    void qc.invalidateQueries({ queryKey: ["emergencies"] });
    void qc.invalidateQueries({ queryKey: ["status"] });
    void qc.invalidateQueries({ queryKey: ["airings"] });
  };

  return (
    <div data-testid="page-dashboard">
      <p className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="dashboard-announcer">
        {announce.text}
      </p>
      <PageHeader title={l.t("nav.dashboard")}>
        {can.schedule ? (
          <button type="button" className="btn danger big" onClick={() => setShowEmergency(true)} data-testid="emergency-open">
            <span aria-hidden="true">⚠</span> {l.t("emergency.button")}
          </button>
        ) : null}
      </PageHeader>

      <OverdueDirectives />
      <AlertsBanner />

      {running.length ? (
        <section className="panel alert-panel" aria-labelledby="em-h" data-testid="active-emergencies">
          <h2 id="em-h">{l.t("emergency.active")}</h2>
          <ErrorBox error={cancelError} />
          <ul className="plain stack">
            {running.map((e) => (
              <li key={e.id} className="emergency-row">
                <div className="grow">
                  <strong>{e.item?.title}</strong>
                  <span className="muted block">
                    {l.t("emergency.since", { time: l.dateTime(e.startedAt) })}
                    {e.repeatEveryMin ? ` · ${l.t("emergency.every", { min: e.repeatEveryMin })}` : ""}
                  </span>
                </div>
                {can.schedule ? (
                  <button type="button" className="btn stop" onClick={() => cancelEmergency(e)} data-testid={`emergency-cancel-${e.id}`}>
                    <span aria-hidden="true" className="stop-square" /> {l.t("emergency.stop")}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="zones-h">
        <h2 id="zones-h">{l.t("dash.zones")}</h2>
        {!status ? <Loading /> : null}
        <div className="zone-grid" data-testid="zone-cards">
          {status?.zones.map((z) => (
            <article key={z.id} className={`zone-card ${z.nowPlaying ? "on-air" : ""}`} data-testid={`zone-card-${z.code}`}>
              <h3>{z.name}</h3>
              {z.village ? <p className="muted small">{z.village}</p> : null}
              <dl>
                <dt>{l.t("dash.nowPlaying")}</dt>
                <dd data-testid={`now-playing-${z.code}`}>
                  {z.nowPlaying ? (
                    <>
                      <span className="onair-tag">
                        <span aria-hidden="true">●</span> {l.t("dash.onAir")}
                      </span> {z.nowPlaying.item ?? "—"}
                      <span className="muted small block">
                        {z.nowPlaying.program ?? l.t(`source.${z.nowPlaying.source}` as MessageKey)} · {l.t("dash.since", { time: l.time(z.nowPlaying.startedAt) })}
                      </span>
                    </>
                  ) : (
                    <span className="muted">{l.t("dash.silent")}</span>
                  )}
                </dd>
                <dt>{l.t("dash.nextUp")}</dt>
                <dd data-testid={`next-up-${z.code}`}>
                  {z.nextUp ? (
                    <>
                      <strong>{l.time(z.nextUp.scheduledStart)}</strong> {l.date(z.nextUp.scheduledStart) !== l.date(new Date()) ? l.date(z.nextUp.scheduledStart) : ""} {z.nextUp.program ?? ""}
                    </>
                  ) : (
                    <span className="muted">{l.t("dash.nothingPlanned")}</span>
                  )}
                </dd>
              </dl>
            </article>
          ))}
        </div>
      </section>

      <div className="two-col">
        <section className="panel" aria-labelledby="today-h">
          <h2 id="today-h">{l.t("dash.today", { date: l.localDate(today) })}</h2>
          <ErrorBox error={airings.error} />
          {airings.data && !airings.data.length ? <p className="muted">{l.t("dash.noSessions")}</p> : null}
          {airings.data?.length ? (
            <TableWrap label={l.t("dash.today", { date: l.localDate(today) })}>
            <table className="table" data-testid="today-sessions">
              <thead>
                <tr>
                  <th scope="col">{l.t("common.time")}</th>
                  <th scope="col">{l.t("common.zone")}</th>
                  <th scope="col">{l.t("common.program")}</th>
                  <th scope="col">{l.t("common.status")}</th>
                </tr>
              </thead>
              <tbody>
                {airings.data.map((a) => (
                  <tr key={a.id} data-testid={`session-${a.id}`} data-status={a.status}>
                    <td>
                      <button type="button" className="btn link" onClick={() => setOpenAiring(a.id)} aria-label={l.t("schedule.openRundown", { time: l.time(a.scheduledStart) })}>
                        {l.time(a.scheduledStart)}
                      </button>
                    </td>
                    <td>{a.zone?.name}</td>
                    <td>{a.program?.name ?? l.t(`source.${a.source}` as MessageKey)}</td>
                    <td>
                      <StatusBadge status={a.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </TableWrap>
          ) : null}
        </section>

        <div className="stack">
          <section className="panel" aria-labelledby="health-h" data-testid="health-panel">
            <h2 id="health-h">{l.t("dash.health")}</h2>
            <SystemHealth />
            {status ? (
              <QueueTable status={status} compact testId="queue-table" />
            ) : null}
            {status && !status.queue.ok ? <p className="bad">{l.t("dash.queueDown")}</p> : null}
          </section>

          <section className="panel" aria-labelledby="def-h" data-testid="campaign-deficits" data-loaded={deficits.data ? "1" : undefined}>
            <h2 id="def-h">{l.t("dash.deficits")}</h2>
            <ErrorBox error={deficits.error} />
            {!deficits.data && !deficits.error ? <Loading /> : null}
            {deficits.data && !deficits.data.length ? <p className="muted">{l.t("dash.noCampaigns")}</p> : null}
            {deficits.data?.length ? (
              <TableWrap label={l.t("dash.deficits")}>
              <table className="table compact" data-testid="deficits-table">
                <thead>
                  <tr>
                    <th scope="col">{l.t("campaign.name")}</th>
                    <th scope="col">{l.t("common.zone")}</th>
                    <th scope="col">{l.t("campaign.target")}</th>
                    <th scope="col">{l.t("campaign.aired")}</th>
                    <th scope="col">{l.t("campaign.planned")}</th>
                    <th scope="col">{l.t("campaign.deficit")}</th>
                  </tr>
                </thead>
                <tbody>
                  {deficits.data.map((d) => (
                    <tr key={`${d.campaignId}-${d.zoneId}`}>
                      <td>{d.campaign}</td>
                      <td>{d.zoneName}</td>
                      <td>{d.today.target}</td>
                      <td>{d.today.aired}</td>
                      <td>{d.today.planned}</td>
                      <td className={d.today.deficit ? "bad strong" : (d.today.aired >= (d.today.target ?? 0) ? "ok" : "")} data-testid={`deficit-${d.campaignId}-${d.zoneId}`}>
                        {d.today.deficit ? (
                          d.today.deficit
                        ) : d.today.aired >= (d.today.target ?? 0) ? (
                          <>
                            <span aria-hidden="true">✓</span> {l.t("dash.targetMet")}
                          </>
                        ) : (
                          // Nothing missing only because the rest is planned: not met yet.
                          <span className="small">{l.t("dash.coveredByPlan")}</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </TableWrap>
            ) : null}
          </section>
        </div>
      </div>

      {showEmergency ? (
        <EmergencyDialog
          onClose={() => setShowEmergency(false)}
          onStarted={() => {
            setShowEmergency(false);
            void qc.invalidateQueries({ queryKey: ["emergencies"] });
            void qc.invalidateQueries({ queryKey: ["airings"] });
          }}
        />
      ) : null}
      {openAiring !== null ? <AiringDialog id={openAiring} onClose={() => setOpenAiring(null)} /> : null}
      {confirm.element}
    </div>
  );
}

/**
 * A polite announcement for screen readers. Messages arriving close together (several
 * zones starting at 17:00) are read as one sentence instead of interrupting each other,
 * and the same text is not repeated while it is still shown.
 */
function useAnnouncer(delayMs = 1500): { text: string; say(message: string): void } {
  const [text, setText] = useState("");
  const pending = useRef<string[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const say = useRef((message: string) => {
    if (!message || pending.current.includes(message)) return;
    pending.current.push(message);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setText(pending.current.join(" "));
      pending.current = [];
    }, delayMs);
  }).current;
  return { text, say };
}
