// Small shared building blocks: error box, modal dialog, labelled field, badges, progress
// bar, the dd/MM/yyyy date field and a data-loading hook.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { dmyToYmd, ymdToDmy } from "../time.ts";

export function ErrorBox({ error, testId }: { error: unknown; testId?: string }) {
  const l = useLocale();
  if (!error) return null;
  return (
    <div className="error-box" role="alert" data-testid={testId ?? "error"}>
      {l.errorText(error)}
    </div>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="notice" role="status" data-testid={testId}>
      {children}
    </div>
  );
}

/**
 * A modal built on <dialog>: showModal() makes the rest of the page inert (focus stays
 * inside), Escape closes it, and focus returns to the opener afterwards.
 */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; testId?: string; wide?: boolean; danger?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const l = useLocale();
  const titleId = useId();
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  // The opener is taken at the first render, before any autoFocus inside the dialog moves
  // focus, so that closing returns focus to the button that opened it.
  const [opener] = useState(() => document.activeElement as HTMLElement | null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose.current();
    };
    d?.addEventListener("cancel", cancel);
    return () => {
      d?.removeEventListener("cancel", cancel);
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);
  return (
    <dialog ref={ref} className={`dialog${props.wide ? " wide" : ""}${props.danger ? " danger" : ""}`} aria-labelledby={titleId} data-testid={props.testId}>
      <header className="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="icon-btn" onClick={props.onClose} aria-label={l.t("common.close")} data-testid="dialog-close">
          ×
        </button>
      </header>
      <div className="dialog-body">{props.children}</div>
    </dialog>
  );
}

export function Field({ label, children, hint, className }: { label: string; children: ReactNode; hint?: string; className?: string }) {
  return (
    <label className={`field ${className ?? ""}`}>
      <span className="field-label">{label}</span>
      {children}
      {hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}

const AIRING_TONE: Record<string, string> = {
  planned: "neutral", ready: "info", airing: "live", aired: "ok", interrupted: "warn", failed: "bad", missed: "bad", cancelled: "muted", superseded: "muted", expected: "expected",
  queued: "neutral", processing: "info", completed: "ok", skipped: "muted", active: "live", ended: "muted",
};

/** Item statuses read differently: a ready item is good news, a ready airing is waiting. */
const ITEM_TONE: Record<string, string> = { ready: "ok", queued: "neutral", processing: "info", failed: "bad" };

export function StatusBadge({ status, testId, item }: { status: string; testId?: string; item?: boolean }) {
  const l = useLocale();
  const tone = (item ? ITEM_TONE[status] : undefined) ?? AIRING_TONE[status] ?? "neutral";
  return (
    <span className={`badge tone-${tone}`} data-status={status} data-testid={testId}>
      {l.t(`status.${status}` as MessageKey)}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  const l = useLocale();
  return <span className={`badge prio-${priority}`}>{l.t(`priority.${priority}` as MessageKey)}</span>;
}

export function ProgressBar({ value, label, testId }: { value: number; label: string; testId?: string }) {
  return (
    // The percentage sits beside the track, not over the fill, so it stays readable.
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value} data-testid={testId}>
      <div className="progress-track">
        <div className="progress-fill" style={{ width: `${Math.max(0, Math.min(100, value))}%` }} />
      </div>
      <span className="progress-text">{value}%</span>
    </div>
  );
}

/** A date typed as dd/MM/yyyy (the commune's convention on every PC); value is YYYY-MM-DD or "". */
export function DateField(props: { label: string; value: string; onChange: (ymd: string) => void; required?: boolean; testId?: string; name?: string }) {
  const l = useLocale();
  const [text, setText] = useState(ymdToDmy(props.value));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    if (dmyToYmd(text) !== props.value) setText(ymdToDmy(props.value));
    // Follow outside changes of the value only (not the user's half-typed text).
  }, [props.value]);
  return (
    <Field label={props.label} hint={bad ? l.t("form.dateInvalid") : undefined}>
      <input
        type="text"
        inputMode="numeric"
        placeholder={l.t("form.datePlaceholder")}
        name={props.name}
        value={text}
        required={props.required}
        aria-invalid={bad}
        data-testid={props.testId}
        onChange={(e) => {
          const v = e.target.value;
          setText(v);
          const ymd = dmyToYmd(v);
          setBad(v.trim() !== "" && !ymd);
          props.onChange(ymd ?? "");
        }}
      />
    </Field>
  );
}

/** Busy and error state around a user action: run() clears the old error, keeps the new
 *  one for display (never throws) and says whether the action succeeded. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/**
 * A table that scrolls sideways inside its own box on a narrow screen instead of widening
 * the page. The box is focusable and named so keyboard users can scroll it too.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

interface ConfirmRequest {
  title: string;
  message: string;
  confirm: string;
  danger?: boolean;
  resolve(ok: boolean): void;
}

/**
 * An in-app confirmation (the browser's confirm() is small, English-buttoned on some
 * systems and blocks the live updates). ask() resolves true when the user confirms.
 */
export function useConfirm() {
  const [req, setReq] = useState<ConfirmRequest | null>(null);
  const ask = useCallback(
    (o: { title: string; message: string; confirm: string; danger?: boolean }) => new Promise<boolean>((resolve) => setReq({ ...o, resolve })),
    [],
  );
  const l = useLocale();
  const done = (ok: boolean) => {
    req?.resolve(ok);
    setReq(null);
  };
  const element = req ? (
    <Dialog title={req.title} onClose={() => done(false)} testId="confirm-dialog" danger={req.danger}>
      <div className="stack">
        <p className="confirm-text">{req.message}</p>
        <div className="row gap end wrap">
          <button type="button" className="btn" onClick={() => done(false)} data-testid="confirm-no">
            {l.t("common.cancel")}
          </button>
          <button type="button" className={`btn ${req.danger ? "danger" : "primary"} big`} onClick={() => done(true)} data-testid="confirm-yes" autoFocus>
            {req.confirm}
          </button>
        </div>
      </div>
    </Dialog>
  ) : null;
  return { ask, element };
}

/** Under a paged list: how many rows are shown and a full-width "load more" (easy on a phone). */
export function LoadMore({ shown, hasMore, loading, onMore, testId }: { shown: number; hasMore: boolean; loading: boolean; onMore: () => void; testId: string }) {
  const l = useLocale();
  if (!hasMore) return null;
  return (
    <div className="load-more" data-testid={testId}>
      <p className="muted small" aria-live="polite">
        {l.t("common.shownMore", { n: shown })}
      </p>
      <button type="button" className="btn block" onClick={onMore} disabled={loading} aria-busy={loading} data-testid={`${testId}-button`}>
        {loading ? l.t("common.loading") : l.t("common.loadMore")}
      </button>
    </div>
  );
}

export function Loading() {
  const l = useLocale();
  return (
    <p className="muted" aria-live="polite">
      {l.t("common.loading")}
    </p>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      <div className="page-actions">{children}</div>
    </div>
  );
}
