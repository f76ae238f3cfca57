// The audit log (nhật ký thao tác) for administrators: who changed what and when, newest
// first, 50 entries at a time with "Xem thêm".
import { ErrorBox, Loading, LoadMore, TableWrap } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { usePagedList } from "../query.ts";
import type { AuditEntry } from "../types.ts";

const VERBS = new Set(["create", "update", "delete", "archive", "upload", "cancel", "start", "air_now", "acknowledge", "login", "logout", "password_change", "lockout", "login_failed", "throttled", "generate", "channels", "documents", "settings", "disable", "attach", "put", "post"]);
const ENTITIES = new Set(["airing", "alert", "alerts", "auth", "campaign", "category", "commune", "directive", "emergency", "item", "program", "report", "schedule", "settings", "user", "zone", "queue", "users", "zones", "items", "programs", "schedules", "campaigns", "categories"]);

/** "item.update" → "Sửa · tin bài"; a code the catalogue does not know → "Thao tác khác" (the code in its tooltip). */
function actionLabel(l: ReturnType<typeof useLocale>, action: string): string {
  const [entity = "", verb = ""] = action.toLowerCase().split(/[. ]/);
  const method = action.match(/^(POST|PUT|PATCH|DELETE) \/api\/(\w+)/);
  const [e, v] = method ? [method[2]!, method[1]!.toLowerCase() === "patch" ? "update" : method[1]!.toLowerCase()] : [entity, verb];
  if (!VERBS.has(v) || !ENTITIES.has(e)) return l.t("audit.other");
  return `${l.t(`audit.verb.${v}` as MessageKey)} · ${l.t(`audit.entity.${e}` as MessageKey)}`;
}

const entityLabel = (l: ReturnType<typeof useLocale>, entity: string) => (ENTITIES.has(entity) ? l.t(`audit.entity.${entity}` as MessageKey) : l.t("audit.other"));

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
                    <td className="small" title={e.action}>{actionLabel(l, e.action)}</td>
                    <td className="small" title={e.entity}>{e.entityId ? `${entityLabel(l, e.entity)} #${e.entityId}` : entityLabel(l, e.entity)}</td>
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
