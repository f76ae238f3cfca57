import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PIPE_INPUT_ARGS } from "../../audio/sinks/ffmpeg-pipe.ts";
import { alsaArgs, createSink, FfmpegPipeSink, icecastRequestHead, sinkConfigSchema, type IcecastSinkConfig, type SinkDropout } from "../../audio/sinks/index.ts";
import { parseResponseHead } from "../../audio/sinks/icecast-source.ts";
import { backoffMs, DropoutLog } from "../../audio/sinks/reconnect.ts";
import { silentFrame } from "../../audio/canonical.ts";
import { tmpDir } from "./player-fixtures.ts";

const dir = tmpDir("loaxa-sinks-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ice: IcecastSinkConfig = {
  kind: "icecast", host: "10.0.0.5", port: 8000, mount: "/thon-1.mp3", user: "source", password: "s3cret", tls: false, public: false,
};

describe("sink configs", () => {
  it("applies defaults and validates each kind", () => {
    expect(sinkConfigSchema.parse({ kind: "icecast", host: "h", port: 8000, mount: "/a.mp3", password: "p" })).toMatchObject({
      user: "source", tls: false, public: false,
    });
    expect(sinkConfigSchema.parse({ kind: "alsa" })).toEqual({ kind: "alsa", device: "default" });
    expect(sinkConfigSchema.parse({ kind: "file", dir: "/srv/aired" })).toEqual({ kind: "file", dir: "/srv/aired" });
  });

  it("rejects bad configs with bilingual messages", () => {
    const bad = (c: unknown) => {
      const r = sinkConfigSchema.safeParse(c);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => i.message).join("\n");
    };
    expect(bad({ kind: "icecast", host: "h", port: 8000, mount: "a.mp3", password: "p" })).toMatch(/Điểm gắn.*Mount must start with/);
    expect(bad({ kind: "icecast", host: "h", port: 8000, mount: "/a", password: "p@ss:word" })).toMatch(/Chỉ dùng.*Use only/);
    expect(bad({ kind: "icecast", host: "h", port: 70000, mount: "/a", password: "p" })).toBeTruthy();
    expect(bad({ kind: "file", dir: "/x", fileName: "../etc/out.mp3" })).toMatch(/File name must be/);
    expect(bad({ kind: "alsa", device: "hw:0; rm -rf /" })).toMatch(/ALSA/);
    expect(bad({ kind: "speaker" })).toBeTruthy();
  });
});

describe("icecast source request", () => {
  it("is a PUT to the mount with Basic auth, the stream headers and Expect: 100-continue", () => {
    const head = icecastRequestHead({ ...ice, name: "Loa Xã", genre: "news", description: "Tin\r\nX-Evil: 1" });
    const lines = head.split("\r\n");
    expect(lines[0]).toBe("PUT /thon-1.mp3 HTTP/1.1");
    expect(head.endsWith("\r\n\r\n")).toBe(true);
    expect(lines).toContain("Host: 10.0.0.5:8000");
    expect(lines).toContain(`Authorization: Basic ${Buffer.from("source:s3cret").toString("base64")}`);
    expect(lines).toContain("Content-Type: audio/mpeg");
    expect(lines).toContain("Ice-Public: 0");
    expect(lines).toContain("Ice-Name: Loa Xã");
    expect(lines).toContain("Ice-Genre: news");
    expect(lines).toContain("Expect: 100-continue");
    // Operator text cannot inject headers; no chunked body (Icecast 2.4 would not decode it).
    expect(lines).toContain("Ice-Description: Tin X-Evil: 1");
    expect(lines.some((l) => l.startsWith("X-Evil"))).toBe(false);
    expect(head).not.toMatch(/Transfer-Encoding|s3cret/);
    expect(icecastRequestHead({ ...ice, host: "fd00::5", public: true })).toContain("Host: [fd00::5]:8000\r\nAuthorization");
    expect(icecastRequestHead({ ...ice, public: true })).toContain("Ice-Public: 1");
  });

  it("parses Icecast 2.4 answers: 100 Continue then 200, or a refusal", () => {
    const both = Buffer.from("HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\n\r\n");
    const first = parseResponseHead(both)!;
    expect(first.status).toBe(100);
    expect(parseResponseHead(first.rest)).toMatchObject({ status: 200, statusText: "OK" });
    const refused = parseResponseHead(Buffer.from("HTTP/1.0 403 Forbidden\r\nServer: Icecast 2.4.4\r\n\r\nMountpoint in use"))!;
    expect(refused).toMatchObject({ status: 403, statusText: "Forbidden" });
    expect(refused.rest.toString()).toBe("Mountpoint in use");
    expect(parseResponseHead(Buffer.from("HTTP/1.0 200 OK\r\n"))).toBeNull();
    expect(() => parseResponseHead(Buffer.from("SSH-2.0-OpenSSH\r\n\r\n"))).toThrow(/not an HTTP answer/);
  });
});

describe("dropout log", () => {
  it("reports each outage once, only if program audio was discarded, from the first discard to when audio flows", () => {
    const reported: SinkDropout[] = [];
    const log = new DropoutLog("test", { onDropout: (d) => reported.push(d) });
    // Lost and back during pre-roll silence: nothing of the session missing, nothing reported.
    log.lost(1000, "reset");
    log.flowing(1500);
    expect(reported).toEqual([]);
    // Lost mid-session: reported once, when audio flows again.
    log.lost(2000, "Icecast connection lost: reset");
    log.lost(2050, "again"); // the same outage
    log.discarded(2100);
    log.discarded(2200);
    expect(reported).toEqual([]);
    log.flowing(3000);
    log.flowing(3100);
    expect(reported).toEqual([{ startMs: 2100, endMs: 3000, reason: "Icecast connection lost: reset" }]);
    // Never came back: closed at finish().
    log.lost(4000, "gone");
    log.discarded(4000);
    log.finish(5000);
    log.finish(6000);
    expect(reported.at(-1)).toEqual({ startMs: 4000, endMs: 5000, reason: "gone" });
    expect(log.all).toEqual(reported);
    expect([0, 1, 2, 3, 4, 10].map(backoffMs)).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });
});

describe("ffmpeg argument building", () => {
  it("alsa: decodes stdin to an ALSA device, optionally resampled", () => {
    expect(alsaArgs({ kind: "alsa", device: "plughw:0,0" }).slice(-7)).toEqual(["-i", "pipe:0", "-map", "0:a", "-f", "alsa", "plughw:0,0"]);
    expect(alsaArgs({ kind: "alsa", device: "default", sampleRate: 48000, channels: 2 }).slice(-9)).toEqual([
      "-map", "0:a", "-ar", "48000", "-ac", "2", "-f", "alsa", "default",
    ]);
  });
});

describe("sinks", () => {
  it("file sink appends what it is given and reports the path", async () => {
    const sink = createSink({ kind: "file", dir: path.join(dir, "nested") }, { fileName: "aired.mp3" });
    expect(sink.leadMs).toBe(0);
    await sink.open();
    await sink.open(); // idempotent
    await sink.write(Buffer.from("abc"));
    await sink.write(Buffer.from("def"));
    const info = await sink.close();
    expect(info).toEqual({ kind: "file", bytesWritten: 6, bytesDelivered: 6, dropouts: [], path: path.join(dir, "nested", "aired.mp3") });
    expect(fs.readFileSync(info.path!, "utf8")).toBe("abcdef");
    await expect(sink.write(Buffer.from("x"))).rejects.toThrow(/not open/);
  });

  it("file sink that never wrote a byte leaves no empty file behind (but never removes an older file)", async () => {
    const out = path.join(dir, "empty");
    const unused = createSink({ kind: "file", dir: out }, { fileName: "unused.mp3" });
    await unused.open();
    expect(fs.existsSync(path.join(out, "unused.mp3"))).toBe(true); // created in pre-roll
    const info = await unused.close();
    expect(info).toEqual({ kind: "file", bytesWritten: 0, bytesDelivered: 0, dropouts: [] });
    expect(fs.existsSync(path.join(out, "unused.mp3"))).toBe(false);
    const aborted = createSink({ kind: "file", dir: out }, { fileName: "aborted.mp3" });
    await aborted.open();
    await aborted.abort("cancelled");
    expect(fs.readdirSync(out)).toEqual([]);
    // Appending to an existing file: kept even if this sink wrote nothing.
    fs.writeFileSync(path.join(out, "earlier.mp3"), "");
    const again = createSink({ kind: "file", dir: out }, { fileName: "earlier.mp3" });
    await again.open();
    await again.close();
    expect(fs.readdirSync(out)).toEqual(["earlier.mp3"]);
  });

  it("alsa sink on a machine without that card fails open() before air time", async () => {
    const deadline = Date.now() + 2500;
    const sink = createSink({ kind: "alsa", device: "hw:97,0" }, { openDeadlineMs: deadline });
    const err = await sink.open().then(() => null, (e: Error) => e);
    // Retried until the deadline (one attempt fails sooner), then a clear bilingual error
    // with ffmpeg's own words.
    expect(Date.now()).toBeGreaterThanOrEqual(deadline - 50);
    expect(err?.message).toMatch(/cannot open audio device|not ready after/);
    expect(err?.message).toMatch(/Không mở được đầu ra alsa hw:97,0 trước hạn .*\((\d+) lần thử\) \/ Could not open output alsa hw:97,0 before the deadline/);
    expect(Number(/\((\d+) attempts\)/.exec(err!.message)![1])).toBeGreaterThanOrEqual(1);
    await expect(sink.write(Buffer.alloc(4))).rejects.toThrow();
  });

  it("a dead encoder child is a dropout: frames are discarded, the child restarts, audio resumes", async () => {
    const dropouts: SinkDropout[] = [];
    // The same machinery as the alsa sink, with an output every machine has.
    const sink = new FfmpegPipeSink(
      { kind: "alsa", args: [...PIPE_INPUT_ARGS, "-map", "0:a", "-c", "copy", "-f", "null", "-"], leadMs: 0, label: "pipe test", secrets: [] },
      { onDropout: (d) => dropouts.push(d) },
    );
    await sink.open();
    const frames = Buffer.concat(Array.from({ length: 4 }, () => silentFrame())); // ~104 ms
    /** Writes every 100 ms for `ms`, or (untilBack) until a write goes out again after a discard. */
    const pump = async (ms: number, untilBack = false) => {
      const results: boolean[] = [];
      for (const end = Date.now() + ms; Date.now() < end; ) {
        results.push((await sink.write(frames)) !== false);
        if (untilBack && results.includes(false) && results.at(-1)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return results;
    };
    expect((await pump(300)).every(Boolean)).toBe(true);
    const firstPid = sink.pid!;
    const killedAt = Date.now();
    process.kill(firstPid, "SIGKILL");
    // While it is down, writes resolve false (never reject); it comes back on its own.
    const during = await pump(10_000, true);
    expect(during).toContain(false);
    expect(during.at(-1)).toBe(true);
    expect(sink.pid).not.toBe(firstPid);
    const info = await sink.close();
    expect(dropouts).toHaveLength(1);
    expect(info.dropouts).toEqual(dropouts);
    expect(dropouts[0]!.startMs).toBeGreaterThanOrEqual(killedAt);
    expect(dropouts[0]!.endMs).toBeGreaterThan(dropouts[0]!.startMs);
    expect(dropouts[0]!.reason).toMatch(/Đầu ra pipe test ngừng \/ Output pipe test stopped: ffmpeg exited with SIGKILL/);
    expect(info.bytesDelivered).toBeLessThan(info.bytesWritten);
    expect(info.bytesDelivered).toBeGreaterThan(0);
  });
});
