// User management (administrators): create accounts with a one-time password, change
// roles, reset passwords, lock and unlock.
import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { ErrorBox, Field, Loading, PageHeader, TableWrap, useConfirm } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { validate } from "../forms.ts";
import { useApiGet } from "../query.ts";
import type { Role, User } from "../types.ts";
import { AuditLog } from "./AuditLog.tsx";

const ROLES: Role[] = ["admin", "editor", "operator", "leader", "viewer", "supervisor"];

export function Users() {
  const { api, user: me } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const usersQ = useApiGet<{ users: User[] }>(["users"], "/api/users");
  const users = { data: usersQ.data?.users, error: usersQ.error, reload: () => void qc.invalidateQueries({ queryKey: ["users"] }) };
  const confirm = useConfirm();
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [role, setRole] = useState<Role>("operator");
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      validate(l, [
        [l.t("auth.username"), username, { required: true, minLength: 3, maxLength: 64, pattern: { re: /^[a-zA-Z0-9._-]+$/, hint: "users.usernameRule" } }],
        [l.t("users.displayName"), displayName, { required: true, maxLength: 120 }],
      ]);
      const r = await api.send<{ user: User; oneTimePassword: string }>("POST", "/api/users", { username: username.trim(), displayName: displayName.trim(), role });
      setSecret({ username: r.user.username, password: r.oneTimePassword });
      setUsername("");
      setDisplayName("");
      users.reload();
    } catch (err) {
      setError(err);
    }
  };

  const patch = async (u: User, body: Record<string, unknown>, confirmKey?: MessageKey) => {
    if (confirmKey && !(await confirm.ask({ title: l.t("users.confirmTitle"), message: l.t(confirmKey, { name: u.username }), confirm: l.t("common.confirm"), danger: true }))) return;
    setError(null);
    try {
      const r = await api.send<{ user: User; oneTimePassword?: string }>("PATCH", `/api/users/${u.id}`, body);
      if (r.oneTimePassword) setSecret({ username: u.username, password: r.oneTimePassword });
      users.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div data-testid="page-users">
      <PageHeader title={l.t("nav.users")} />
      <section className="panel" aria-labelledby="new-user-h">
        <h2 id="new-user-h">{l.t("users.new")}</h2>
        <form className="row gap align-end wrap" onSubmit={create} data-testid="user-form" noValidate>
          <Field label={l.t("auth.username")}>
            <input value={username} onChange={(e) => setUsername(e.target.value)} autoCapitalize="none" autoCorrect="off" data-testid="user-username" />
          </Field>
          <Field label={l.t("users.displayName")}>
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} data-testid="user-display" />
          </Field>
          <Field label={l.t("users.role")}>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {l.t(`role.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" className="btn primary" data-testid="user-create">
            <span aria-hidden="true">+</span> {l.t("users.create")}
          </button>
        </form>
        <p className="muted small">
          {l.t("users.usernameHint")} {l.t("users.rolesHelp")}
        </p>
      </section>
      <ErrorBox error={error ?? users.error} />
      {secret ? (
        <div className="notice strong-notice" role="status" data-testid="one-time-box">
          <p>{l.t("users.oneTime", { name: secret.username })}</p>
          <code className="secret" data-testid="one-time-password">
            {secret.password}
          </code>
          <button type="button" className="btn small" onClick={() => setSecret(null)}>
            {l.t("common.close")}
          </button>
        </div>
      ) : null}
      {!users.data ? <Loading /> : null}
      {users.data ? (
        <TableWrap label={l.t("nav.users")}>
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">{l.t("auth.username")}</th>
              <th scope="col">{l.t("users.displayName")}</th>
              <th scope="col">{l.t("users.role")}</th>
              <th scope="col">{l.t("common.status")}</th>
              <th scope="col">{l.t("common.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id} className={u.disabled ? "disabled-row" : ""} data-testid={`user-row-${u.username}`}>
                <td>
                  <code>{u.username}</code>
                </td>
                <td>{u.displayName}</td>
                <td>
                  <select value={u.role} onChange={(e) => patch(u, { role: e.target.value })} disabled={u.id === me.id} aria-label={l.t("users.roleOf", { name: u.username })}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {l.t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {u.disabled ? <span className="badge tone-muted">{l.t("users.locked")}</span> : <span className="badge tone-ok">{l.t("users.active")}</span>}
                  {u.mustChangePassword ? <span className="muted small block">{l.t("users.mustChange")}</span> : null}
                </td>
                <td className="nowrap">
                  <button type="button" className="btn small" onClick={() => patch(u, { resetPassword: true }, "users.resetConfirm")} data-testid={`user-reset-${u.username}`}>
                    {l.t("users.reset")}
                  </button>{" "}
                  {u.id !== me.id ? (
                    <button type="button" className="btn small danger-outline" onClick={() => patch(u, { disabled: !u.disabled }, u.disabled ? undefined : "users.lockConfirm")}>
                      {u.disabled ? l.t("users.unlock") : l.t("users.lock")}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </TableWrap>
      ) : null}
      <AuditLog />
      {confirm.element}
    </div>
  );
}
