// Campaigns for key content: targets, and compliance today and this month per zone,
// counted from the as-run log by the server.
import { Fragment, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { ErrorBox, Loading, PageHeader, TableWrap } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { useApiGetAll } from "../query.ts";
import type { Campaign, CampaignStatus, Item } from "../types.ts";
import { CampaignForm } from "./CampaignForm.tsx";

interface Compliance {
  todayTarget: number;
  todayAired: number;
  todayPlanned: number;
  monthTarget: number;
  monthAired: number;
}

export function compliance(s: CampaignStatus, monthStart: string): Compliance {
  const c: Compliance = { todayTarget: 0, todayAired: 0, todayPlanned: 0, monthTarget: 0, monthAired: 0 };
  for (const z of s.zones) {
    c.todayTarget += z.today.target ?? 0;
    c.todayAired += z.today.aired;
    c.todayPlanned += z.today.planned;
    for (const h of z.history) {
      if (h.periodStart < monthStart) continue;
      c.monthTarget += h.target ?? 0;
      c.monthAired += h.aired;
    }
  }
  return c;
}

const pct = (aired: number, target: number) => (target ? Math.min(100, Math.round((aired / target) * 100)) : 100);

export function Campaigns() {
  const { api, can, zones } = useApp();
  const l = useLocale();
  const today = l.today();
  const monthStart = today.slice(0, 8) + "01";
  const dayOfMonth = Number(today.slice(8, 10));
  const qc = useQueryClient();
  const data = useQuery({
    queryKey: ["campaigns", today],
    queryFn: async () => {
      const { campaigns } = await api.get<{ campaigns: Campaign[] }>("/api/campaigns");
      const statuses = await Promise.all(campaigns.map((c) => api.get<CampaignStatus>(`/api/campaigns/${c.id}/status?days=${dayOfMonth}`).catch(() => null)));
      return campaigns.map((c, i) => ({ campaign: c, status: statuses[i] ?? null }));
    },
  });
  const itemsQ = useApiGetAll<"items", Item>(["items", "all"], "/api/items", "items");
  const items = { data: itemsQ.data?.items };
  const [editing, setEditing] = useState<Campaign | "new" | null>(null);
  const [expanded, setExpanded] = useState<number | null>(null);

  const zoneNames = (ids: number[] | null) => (ids === null ? l.t("campaign.allZones") : ids.map((id) => zones.find((z) => z.id === id)?.name ?? `#${id}`).join(", "));

  return (
    <div data-testid="page-campaigns">
      <PageHeader title={l.t("nav.campaigns")}>
        {can.editContent ? (
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="campaign-new">
            <span aria-hidden="true">+</span> {l.t("campaign.new")}
          </button>
        ) : null}
      </PageHeader>
      <p className="muted">{l.t("campaign.intro")}</p>
      <ErrorBox error={data.error} />
      {!data.data ? <Loading /> : null}
      {data.data && !data.data.length ? <p className="muted">{l.t("campaign.empty")}</p> : null}
      {data.data?.length ? (
        <TableWrap label={l.t("nav.campaigns")}>
        <table className="table" data-testid="campaigns-table">
          <thead>
            <tr>
              <th scope="col">{l.t("campaign.name")}</th>
              <th scope="col">{l.t("campaign.period")}</th>
              <th scope="col">{l.t("campaign.targets")}</th>
              <th scope="col">{l.t("common.zones")}</th>
              <th scope="col">{l.t("campaign.today")}</th>
              <th scope="col">{l.t("campaign.month")}</th>
              <th scope="col">{l.t("common.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {data.data.map(({ campaign: c, status }) => {
              const comp = status ? compliance(status, monthStart) : null;
              return (
                <Fragment key={c.id}>
                  <tr data-testid={`campaign-row-${c.id}`} className={c.enabled ? "" : "disabled-row"}>
                    <td>
                      <strong>{c.name}</strong>
                      {!c.enabled ? <span className="badge tone-muted">{l.t("common.disabled")}</span> : null}
                      <span className="muted small block">{l.t("campaign.itemsCount", { n: c.itemIds.length })}</span>
                    </td>
                    <td>
                      {l.localDate(c.startDate)} – {l.localDate(c.endDate)}
                    </td>
                    <td className="small">
                      {c.perDay ? <span className="block">{l.t("campaign.perDayN", { n: c.perDay })}</span> : null}
                      {c.perWeek ? <span className="block">{l.t("campaign.perWeekN", { n: c.perWeek })}</span> : null}
                      {c.windows.length ? <span className="block muted">{c.windows.join(", ")}</span> : null}
                    </td>
                    <td className="small">{zoneNames(c.zoneIds)}</td>
                    <td>{comp ? <Meter aired={comp.todayAired} target={comp.todayTarget} extra={comp.todayPlanned ? l.t("campaign.plannedN", { n: comp.todayPlanned }) : ""} /> : "—"}</td>
                    <td>{comp ? <Meter aired={comp.monthAired} target={comp.monthTarget} /> : "—"}</td>
                    <td className="nowrap">
                      <button type="button" className="btn small" aria-expanded={expanded === c.id} onClick={() => setExpanded(expanded === c.id ? null : c.id)} data-testid={`campaign-details-${c.id}`}>
                        {l.t("campaign.details")}
                      </button>{" "}
                      {can.editContent ? (
                        <button type="button" className="btn small" onClick={() => setEditing(c)} data-testid={`campaign-edit-${c.id}`}>
                          {l.t("common.edit")}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                  {expanded === c.id && status ? (
                    <tr className="detail-row">
                      <td colSpan={7}>
                        <CampaignDetail status={status} monthStart={monthStart} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        </TableWrap>
      ) : null}
      {editing !== null && items.data ? (
        <CampaignForm
          campaign={editing === "new" ? null : editing}
          items={items.data}
          others={(data.data ?? []).map((d) => d.campaign)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void qc.invalidateQueries({ queryKey: ["campaigns"] });
            void qc.invalidateQueries({ queryKey: ["deficits"] });
          }}
        />
      ) : null}
    </div>
  );
}

function Meter({ aired, target, extra }: { aired: number; target: number; extra?: string }) {
  const l = useLocale();
  const p = pct(aired, target);
  return (
    <div className="mini-meter">
      <span className={p >= 100 ? "ok strong" : "bad strong"}>
        {aired}/{target}
      </span>{" "}
      <span className="muted small">({p}%)</span>
      <div className="meter small" aria-hidden="true">
        <div className={`meter-fill ${p >= 100 ? "full" : ""}`} style={{ width: `${p}%` }} />
      </div>
      {extra ? <span className="muted small block">{extra}</span> : null}
      <span className="sr-only">{l.t("campaign.compliance", { p })}</span>
    </div>
  );
}

function CampaignDetail({ status, monthStart }: { status: CampaignStatus; monthStart: string }) {
  const l = useLocale();
  return (
    <div className="stack">
      <TableWrap label={l.t("campaign.details")}>
      <table className="table compact" data-testid="campaign-zone-status">
        <thead>
          <tr>
            <th scope="col">{l.t("common.zone")}</th>
            <th scope="col">{l.t("campaign.target")}</th>
            <th scope="col">{l.t("campaign.aired")}</th>
            <th scope="col">{l.t("campaign.planned")}</th>
            <th scope="col">{l.t("campaign.deficit")}</th>
            <th scope="col">{l.t("campaign.week")}</th>
            <th scope="col">{l.t("campaign.month")}</th>
          </tr>
        </thead>
        <tbody>
          {status.zones.map((z) => {
            const month = z.history.filter((h) => h.periodStart >= monthStart);
            const mt = month.reduce((a, h) => a + (h.target ?? 0), 0);
            const ma = month.reduce((a, h) => a + h.aired, 0);
            return (
              <tr key={z.zoneId}>
                <th scope="row">{z.zoneName}</th>
                <td>{z.today.target ?? "—"}</td>
                <td>{z.today.aired}</td>
                <td>{z.today.planned}</td>
                <td className={z.today.deficit ? "bad strong" : ""}>{z.today.deficit ?? "—"}</td>
                <td>{z.week ? `${z.week.aired}/${z.week.target ?? "—"}` : "—"}</td>
                <td>
                  {ma}/{mt} ({pct(ma, mt)}%)
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </TableWrap>
      {status.shortfalls.length ? (
        <details>
          <summary>{l.t("campaign.shortfallsN", { n: status.shortfalls.length })}</summary>
          <ul className="small">
            {status.shortfalls.slice(0, 50).map((s) => (
              <li key={s.id}>
                {l.localDate(s.periodStart)} · {s.aired}/{s.target} — {l.pick(s.reasonVi, s.reasonEn)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
