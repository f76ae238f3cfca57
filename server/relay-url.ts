// Relay URLs (VOV, the provincial station) are fetched by our workers, so they are checked
// like any server-side fetch: allowed schemes only, no private or loopback addresses
// unless RELAY_ALLOW_PRIVATE allows them, and the stream must answer when saved. The same
// checked, pinned fetch (audio/relay-fetch.ts) runs again at air time, redirects included.
import { isPrivateAddress, type PrivateAllowance } from "../audio/net-policy.ts";
import { checkedAddresses, openRelay, RelayFetchError } from "../audio/relay-fetch.ts";
import { AppError } from "./errors.ts";

export { isPrivateAddress };

const badUrl = (vi: string, en: string) => new AppError(422, "BAD_RELAY_URL", vi, en);

const fromFetchError = (e: RelayFetchError) => badUrl(e.messageVi, e.messageEn);

/** Resolves the host and refuses addresses the allowance does not cover. */
export async function assertPublicHost(u: URL, allowPrivate: PrivateAllowance): Promise<void> {
  try {
    await checkedAddresses(u.hostname, { allowPrivate });
  } catch (e) {
    throw e instanceof RelayFetchError ? fromFetchError(e) : e;
  }
}

export function parseRelayUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw badUrl("Địa chỉ tiếp sóng không hợp lệ.", "The relay address is not a valid URL.");
  }
  if (!["http:", "https:", "icecast:"].includes(u.protocol)) {
    throw badUrl("Chỉ chấp nhận địa chỉ tiếp sóng http, https hoặc icecast.", "Only http, https or icecast relay URLs are allowed.");
  }
  if (u.username || u.password) throw badUrl("Địa chỉ tiếp sóng không được chứa mật khẩu.", "Relay URLs must not embed credentials.");
  return u;
}

const PLAYLIST = /^\s*(#EXTM3U|\[playlist\])/i;

/** Checks a relay URL when it is saved: address policy on every hop, and audio answers. */
export async function checkRelayUrl(raw: string, opts: { allowPrivate: PrivateAllowance; timeoutMs?: number }): Promise<URL> {
  const u = parseRelayUrl(raw);
  await assertPublicHost(u, opts.allowPrivate);
  const ctl = new AbortController();
  try {
    const { response } = await openRelay(u, { allowPrivate: opts.allowPrivate, timeoutMs: opts.timeoutMs ?? 5000, signal: ctl.signal });
    const first = await new Promise<Buffer | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no data")), opts.timeoutMs ?? 5000);
      response.once("data", (b: Buffer) => (clearTimeout(timer), resolve(b)));
      response.once("end", () => (clearTimeout(timer), resolve(null)));
      response.once("error", (e) => (clearTimeout(timer), reject(e)));
    });
    response.destroy();
    if (!first?.length) throw new Error("no data");
    if (PLAYLIST.test(first.subarray(0, 64).toString("latin1"))) {
      throw badUrl(
        "Địa chỉ này là danh sách phát (m3u/pls/HLS), không phải luồng âm thanh; hãy dùng địa chỉ luồng MP3/AAC trực tiếp của đài.",
        "This address is a playlist (m3u/pls/HLS), not an audio stream; use the station's direct MP3/AAC stream URL.",
      );
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof RelayFetchError && err.code === "PRIVATE_ADDRESS") throw fromFetchError(err);
    const why = err instanceof RelayFetchError ? err.messageEn.replace(/\.$/, "") : err instanceof Error ? err.message : String(err);
    throw badUrl(`Không kết nối được luồng tiếp sóng (${why}).`, `The relay stream is unreachable (${why}).`);
  } finally {
    ctl.abort();
  }
  return u;
}
