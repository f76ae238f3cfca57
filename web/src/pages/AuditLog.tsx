// The audit log (nhật ký thao tác) for administrators: who changed what and when, newest
// first, 50 entries at a time with "Xem thêm".
import { ErrorBox, Loading, LoadMore, TableWrap } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { usePagedList } from "../query.ts";
import type { AuditEntry } from "../types.ts";

export function AuditLog() {
  const l = useLocale();
  const entries = usePagedList<"entries", AuditEntry>(["audit"], "/api/audit", "entries", 50);
  return (
    <section className="panel" aria-labelledby="audit-h" data-testid="audit-log">
      <h2 id="audit-h">{l.t("audit.title")}</h2>
      <p className="muted small">{l.t("audit.hint")}</p>
      <ErrorBox error={entries.error} />
      {entries.loading ? <Loading /> : null}
      {entries.data && !entries.data.length ? <p className="muted">{l.t("audit.empty")}</p> : null}
      {entries.data?.length ? (
        <>
          <TableWrap label={l.t("audit.title")}>
            <table className="table" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{l.t("audit.time")}</th>
                  <th scope="col">{l.t("audit.user")}</th>
                  <th scope="col">{l.t("audit.action")}</th>
                  <th scope="col">{l.t("audit.entity")}</th>
                  <th scope="col">{l.t("audit.ip")}</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.map((e) => (
                  <tr key={e.id}>
                    <td>{l.dateTime(e.createdAt)}</td>
                    <td>{e.user?.displayName ?? l.t("audit.system")}</td>
                    <td className="small">{e.action}</td>
                    <td className="small">{e.entityId ? `${e.entity} #${e.entityId}` : e.entity}</td>
                    <td className="small">{e.ip || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <LoadMore shown={entries.data.length} hasMore={entries.hasMore} loading={entries.loadingMore} onMore={() => void entries.loadMore()} testId="audit-more" />
        </>
      ) : null}
    </section>
  );
}
