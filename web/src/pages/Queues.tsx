// Queue health in Vietnamese (replaces the English Bull Board in the menu, which also
// loads files from the internet): each job queue's counts from the live status, Redis
// reachability and the overall health check.
import { useQuery } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { ErrorBox, Loading, PageHeader, TableWrap } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet } from "../query.ts";
import type { LiveStatus } from "../types.ts";

export function QueuesPage() {
  const { api, live } = useApp();
  const l = useLocale();
  const statusQ = useApiGet<LiveStatus>(["status"], "/api/status", { refetchInterval: 15_000 });
  const health = useQuery({ queryKey: ["health"], queryFn: () => api.get<{ status: string; failed: string[] }>("/api/health"), refetchInterval: 20_000 });
  const status = statusQ.data ?? live.status;
  const queues = Object.entries(status?.queue.counts ?? {});
  const failed = queues.reduce((n, [, c]) => n + c.failed, 0);
  return (
    <div data-testid="page-queues">
      <PageHeader title={l.t("nav.queues")} />
      <p className="muted">{l.t("queues.intro")}</p>
      <ErrorBox error={statusQ.error ?? health.error} />
      {!status ? <Loading /> : null}
      {status ? (
        <section className="panel" aria-labelledby="qh-h">
          <h2 id="qh-h">{l.t("queues.overall")}</h2>
          <p data-testid="queues-verdict">
            {!status.queue.ok ? (
              <span className="badge tone-bad">{l.t("dash.queueDown")}</span>
            ) : failed ? (
              <span className="badge tone-warn">{l.t("queues.someFailed", { n: failed })}</span>
            ) : (
              <span className="badge tone-ok">{l.t("queues.allOk")}</span>
            )}{" "}
            {health.data ? <span className="muted small">{health.data.status === "ok" ? l.t("dash.healthOk") : l.t("dash.healthBad", { what: health.data.failed.join(", ") })}</span> : null}
          </p>
          <QueueTable status={status} testId="queues-table" />
          <p className="muted small">{l.t("queues.help")}</p>
        </section>
      ) : null}
    </div>
  );
}

/** Job counts per queue (the dashboard shows it compact, this page with what each queue does). */
export function QueueTable({ status, compact, testId }: { status: LiveStatus; compact?: boolean; testId: string }) {
  const l = useLocale();
  return (
    <TableWrap label={l.t("dash.queues")}>
      <table className={`table${compact ? " compact" : ""}`} data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{l.t("dash.queue")}</th>
            <th scope="col">{l.t("dash.active")}</th>
            <th scope="col">{l.t("dash.waiting")}</th>
            <th scope="col">{l.t("dash.delayed")}</th>
            <th scope="col">{l.t("dash.failed")}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(status.queue.counts).map(([name, c]) => (
            <tr key={name} data-testid={`queue-${name}`}>
              <th scope="row">
                {l.t(`queue.${name}` as MessageKey)}
                {compact ? null : <span className="muted small block">{l.t(`queues.what.${name}` as MessageKey)}</span>}
              </th>
              <td>{l.num(c.active)}</td>
              <td>{l.num(c.waiting)}</td>
              <td>{l.num(c.delayed)}</td>
              <td className={c.failed ? "bad strong" : ""}>{l.num(c.failed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
