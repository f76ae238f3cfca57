// Content approval (biên tập → duyệt → phát): items waiting for a leader, each approved or
// rejected with a comment, and emergencies that aired without approval, to review. The
// switch lives in Settings (ApprovalSetting). Read-only roles see the queue, no buttons.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { ErrorBox, Field, Loading, PageHeader, useAction } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet } from "../query.ts";
import type { ApprovalQueue } from "../types.ts";

export function Approvals() {
  const { can } = useApp();
  const l = useLocale();
  const q = useApiGet<ApprovalQueue>(["approvals"], "/api/approvals");
  return (
    <div data-testid="page-approvals">
      <PageHeader title={l.t("nav.approvals")} />
      <p className="muted">{l.t("approval.intro")}</p>
      <ErrorBox error={q.error} />
      {!q.data ? <Loading /> : null}
      {q.data && !q.data.required ? <p className="notice" data-testid="approval-off">{l.t("approval.off")}</p> : null}
      {q.data && !q.data.items.length && !q.data.programs.length ? <p className="muted">{l.t("approval.empty")}</p> : null}
      <ul className="plain doc-list" data-testid="approval-list">
        {q.data?.items.map((i) => (
          <li key={i.id}>
            <ApprovalCard item={i} canDecide={can.approve} />
          </li>
        ))}
      </ul>
      {q.data?.programs.length ? (
        <section className="panel" data-testid="approval-programs">
          <h2>{l.t("approval.programs")}</h2>
          <ul className="plain doc-list">
            {q.data.programs.map((p) => (
              <li key={p.id}>
                <ProgramApprovalCard program={p} canDecide={can.approve} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {q.data?.emergencies.length ? (
        <section className="panel" data-testid="approval-emergencies">
          <h2>{l.t("approval.emergencies")}</h2>
          <ul className="plain stack">
            {q.data.emergencies.map((e) => <EmergencyReview key={e.id} e={e} canDecide={can.approve} />)}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

/** A card's title and where its approval stands (waiting or rejected). */
function ApprovalHeader({ title, approval }: { title: string; approval: string }) {
  const l = useLocale();
  return (
    <header className="row wrap gap">
      <strong className="grow">{title}</strong>
      <span className={`badge ${approval === "rejected" ? "tone-bad" : "tone-warn"}`}>{l.t(`approval.status.${approval}` as MessageKey)}</span>
    </header>
  );
}

function ApprovalCard({ item, canDecide }: { item: ApprovalQueue["items"][number]; canDecide: boolean }) {
  return (
    <article className="doc-card" data-testid={`approval-item-${item.id}`}>
      <ApprovalHeader title={item.title} approval={item.approval} />
      {item.ttsText ? <p className="small">{item.ttsText.length > 400 ? `${item.ttsText.slice(0, 400)}…` : item.ttsText}</p> : null}
      {item.relayUrl ? <p className="small muted">{item.relayUrl}</p> : null}
      {item.approvalNote ? <p className="small bad">{item.approvalNote}</p> : null}
      {canDecide ? <Decide url={`/api/items/${item.id}/approval`} testId={String(item.id)} refresh={["items"]} /> : null}
    </article>
  );
}

/** A program whose arrangement waits: its entries, those the change adds marked as new. */
function ProgramApprovalCard({ program, canDecide }: { program: ApprovalQueue["programs"][number]; canDecide: boolean }) {
  const l = useLocale();
  return (
    <article className="doc-card" data-testid={`approval-program-${program.id}`}>
      <ApprovalHeader title={program.name} approval={program.approval} />
      <p className="small muted">{program.everApproved ? l.t("approval.programChanged") : l.t("approval.programNew")}</p>
      <ol className="small">
        {program.entries.map((e, i) => (
          <li key={`${e.itemId}-${i}`}>
            {e.title} {e.added && program.everApproved ? <span className="badge tone-info">{l.t("approval.added")}</span> : null}
          </li>
        ))}
      </ol>
      {program.approvalNote ? <p className="small bad">{program.approvalNote}</p> : null}
      {canDecide ? <Decide url={`/api/programs/${program.id}/approval`} testId={`program-${program.id}`} refresh={["programs"]} /> : null}
    </article>
  );
}

/** A leader's decision with its comment (required to reject). */
function Decide({ url, testId, refresh }: { url: `/api/${string}`; testId: string; refresh: string[] }) {
  const { api } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const [comment, setComment] = useState("");
  const { busy, error, run } = useAction();
  const decide = (decision: "approve" | "reject") =>
    run(async () => {
      await api.send("POST", url, { decision, comment: comment.trim() || undefined });
      void qc.invalidateQueries({ queryKey: ["approvals"] });
      void qc.invalidateQueries({ queryKey: refresh });
    });
  return (
    <>
      <Field label={l.t("approval.comment")}>
        <input value={comment} onChange={(e) => setComment(e.target.value)} data-testid={`approval-comment-${testId}`} />
      </Field>
      <ErrorBox error={error} />
      <div className="row wrap gap">
        <button type="button" className="btn primary" disabled={busy} onClick={() => decide("approve")} data-testid={`approval-approve-${testId}`}>{l.t("approval.approve")}</button>
        <button type="button" className="btn danger" disabled={busy} onClick={() => decide("reject")} data-testid={`approval-reject-${testId}`}>{l.t("approval.reject")}</button>
      </div>
    </>
  );
}

function EmergencyReview({ e, canDecide }: { e: ApprovalQueue["emergencies"][number]; canDecide: boolean }) {
  const { api } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const { busy, error, run } = useAction();
  return (
    <li className="row wrap gap" data-testid={`approval-emergency-${e.id}`}>
      <span className="grow">
        <strong>{e.item.title}</strong> <span className="muted small">{l.dateTime(e.startedAt)}</span>
      </span>
      {canDecide ? (
        <button type="button" className="btn small" disabled={busy} onClick={() => run(async () => { await api.send("POST", `/api/emergencies/${e.id}/review`); void qc.invalidateQueries({ queryKey: ["approvals"] }); })}>
          {l.t("approval.review")}
        </button>
      ) : null}
      <ErrorBox error={error} />
    </li>
  );
}

/** The administrator's switch (Settings). */
export function ApprovalSetting() {
  const { api } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const q = useApiGet<{ required: boolean }>(["approval-setting"], "/api/settings/approval");
  const { busy, error, run } = useAction();
  // Shown at once (the checkbox follows the click), put back if the server refuses.
  const [shown, setShown] = useState<boolean | null>(null);
  if (!q.data) return null;
  return (
    <section className="panel" data-testid="approval-setting">
      <label className="check">
        <input
          type="checkbox"
          checked={shown ?? q.data.required}
          disabled={busy}
          onChange={(e) => {
            const required = e.target.checked;
            setShown(required);
            void run(async () => {
              await api.send("PUT", "/api/settings/approval", { required });
              await qc.invalidateQueries({ queryKey: ["approval-setting"] });
              void qc.invalidateQueries({ queryKey: ["approvals"] });
            }).then(() => setShown(null));
          }}
          data-testid="approval-required"
        />
        {l.t("approval.setting")}
      </label>
      <p className="muted small">{l.t("approval.settingHint")}</p>
      <ErrorBox error={error} />
    </section>
  );
}
