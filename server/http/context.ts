// The request context every route shares: its variables (session, user, audit note,
// client address) and the helpers that read them. Kept apart from app.ts so routes do not
// import the module that mounts them.
import type { Context } from "hono";
import { AppError } from "../errors.ts";
import { normalizeAddress } from "../../audio/net-policy.ts";
import type { AuthSession, AuthUser } from "../auth/sessions.ts";
import type { Role } from "../auth/roles.ts";
import { REQUIRES_ROLE } from "./meta.ts";

export interface AuditNote {
  action?: string;
  entity?: string;
  entityId?: string | number;
  detail?: unknown;
}

export type AppEnv = {
  Variables: {
    session: AuthSession | null;
    user: AuthUser | null;
    audit: AuditNote | undefined;
    clientIp: string;
  };
};

export function socketAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/**
 * The client's address: the socket peer, unless that peer is a trusted proxy; then the
 * X-Forwarded-For chain is walked from the right, past every trusted proxy, and the
 * first address not trusted is the client. A client cannot forge its way past this:
 * whatever it puts in the header sits left of what our proxies appended.
 */
export function resolveClientIp(peer: string, forwardedFor: string | undefined, trusted: (ip: string) => boolean): string {
  let ip = normalizeAddress(peer);
  if (!forwardedFor || !trusted(ip)) return ip;
  const hops = forwardedFor.split(",").map((s) => s.trim()).filter(Boolean);
  while (hops.length && trusted(ip)) ip = normalizeAddress(hops.pop()!);
  return ip;
}

export function clientIp(c: Context): string {
  return (c.var as { clientIp?: string }).clientIp ?? normalizeAddress(socketAddress(c));
}

export function currentUser(c: Context<AppEnv>): AuthUser {
  const u = c.get("user");
  if (!u) throw new AppError(401, "UNAUTHENTICATED", "Bạn cần đăng nhập.", "You need to sign in.");
  return u;
}

/** A role guard; it carries its roles for the OpenAPI document. */
export const requireRole = (...roles: readonly Role[]) =>
  Object.assign(
    async (c: Context<AppEnv>, next: () => Promise<void>) => {
      const u = currentUser(c);
      if (!roles.includes(u.role)) {
        throw new AppError(403, "FORBIDDEN", "Bạn không có quyền thực hiện thao tác này.", "You do not have permission to do this.");
      }
      await next();
    },
    { [REQUIRES_ROLE]: roles },
  );
