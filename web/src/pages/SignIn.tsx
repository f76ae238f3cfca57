// Sign-in and the compulsory first-login password change.
import { useState, type FormEvent, type ReactNode } from "react";
import type { Api } from "../api.ts";
import { ErrorBox, Field, useAction } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { validate } from "../forms.ts";
import type { User } from "../types.ts";

export function SignIn({ api, onSignedIn, langToggle }: { api: Api; onSignedIn: (u: User, csrf: string) => void; langToggle: ReactNode }) {
  const l = useLocale();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      validate(l, [
        [l.t("auth.username"), username, { required: true }],
        [l.t("auth.password"), password, { required: true }],
      ]);
      const r = await api.send<{ user: User; csrfToken: string }>("POST", "/api/auth/login", { username: username.trim(), password });
      onSignedIn(r.user, r.csrfToken);
    });
  };
  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} data-testid="login-form" noValidate>
        <div className="auth-brand">
          <img className="logo" src="/icons/icon.svg" alt="" width="48" height="48" />
          <div>
            <h1>{l.t("app.name")}</h1>
            <p className="muted">{l.t("app.tagline")}</p>
          </div>
        </div>
        <h2>{l.t("auth.signInTitle")}</h2>
        <Field label={l.t("auth.username")}>
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoCapitalize="none" autoCorrect="off" autoFocus data-testid="login-username" />
        </Field>
        <Field label={l.t("auth.password")}>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" />
        </Field>
        <ErrorBox error={error} testId="login-error" />
        <button type="submit" className="btn primary block" disabled={busy} data-testid="login-submit">
          {busy ? l.t("common.working") : l.t("auth.signIn")}
        </button>
        <div className="auth-foot">{langToggle}</div>
      </form>
    </main>
  );
}

export function ChangePassword({ api, user, onDone, onCancel, langToggle }: { api: Api; user: User; onDone: () => void; onCancel?: () => void; langToggle: ReactNode }) {
  const l = useLocale();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const { busy, error, setError, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      validate(l, [[l.t(user.mustChangePassword ? "auth.currentOneTime" : "auth.currentPassword"), current, { required: true }]]);
    } catch (err) {
      return setError(err);
    }
    if (next.length < 10) return setError(new Error(l.t("auth.passwordTooShort")));
    if (next !== again) return setError(new Error(l.t("auth.passwordMismatch")));
    await run(async () => {
      await api.send("POST", "/api/auth/password", { currentPassword: current, newPassword: next });
      onDone();
    });
  };
  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} data-testid="password-form" noValidate>
        <h1>{l.t("auth.changeTitle")}</h1>
        {user.mustChangePassword ? <p className="notice">{l.t("auth.mustChange", { name: user.displayName })}</p> : null}
        <Field label={l.t(user.mustChangePassword ? "auth.currentOneTime" : "auth.currentPassword")}>
          <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} autoFocus data-testid="pw-current" />
        </Field>
        <Field label={l.t("auth.newPassword")} hint={l.t("auth.passwordRule")}>
          <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} data-testid="pw-new" />
        </Field>
        <Field label={l.t("auth.repeatPassword")}>
          <input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} data-testid="pw-repeat" />
        </Field>
        <ErrorBox error={error} testId="pw-error" />
        <div className="row gap">
          <button type="submit" className="btn primary" disabled={busy} data-testid="pw-submit">
            {busy ? l.t("common.working") : l.t("auth.changeSubmit")}
          </button>
          {onCancel ? (
            <button type="button" className="btn" onClick={onCancel}>
              {l.t("common.cancel")}
            </button>
          ) : null}
        </div>
        <div className="auth-foot">{langToggle}</div>
      </form>
    </main>
  );
}
