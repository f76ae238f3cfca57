import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { alsaArgs, createSink, icecastArgs, icecastUrl, sinkConfigSchema, type IcecastSinkConfig } from "../../audio/sinks/index.ts";
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

describe("ffmpeg argument building", () => {
  it("icecast: stream-copies stdin to the mount with no ID3/Xing", () => {
    const args = icecastArgs({ ...ice, name: "Loa Xã", genre: "news" });
    expect(icecastUrl(ice)).toBe("icecast://source:s3cret@10.0.0.5:8000/thon-1.mp3");
    expect(args.slice(args.indexOf("-i") - 2, args.indexOf("-i") + 2)).toEqual(["-f", "mp3", "-i", "pipe:0"]);
    expect(args.join(" ")).toContain("-c copy -content_type audio/mpeg -ice_public 0 -ice_name Loa Xã -ice_genre news");
    expect(args.join(" ")).toContain("-id3v2_version 0 -write_xing 0");
    expect(args.slice(-3)).toEqual(["-f", "mp3", "icecast://source:s3cret@10.0.0.5:8000/thon-1.mp3"]);
    expect(icecastUrl({ ...ice, host: "fd00::5" })).toBe("icecast://source:s3cret@[fd00::5]:8000/thon-1.mp3");
  });

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
    expect(info).toEqual({ kind: "file", bytesWritten: 6, path: path.join(dir, "nested", "aired.mp3") });
    expect(fs.readFileSync(info.path!, "utf8")).toBe("abcdef");
    await expect(sink.write(Buffer.from("x"))).rejects.toThrow(/not open/);
  });

  it("alsa sink on a machine without that card fails open() before air time", async () => {
    const sink = createSink({ kind: "alsa", device: "hw:97,0" }, { openTimeoutMs: 5000 });
    const err = await sink.open().then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/Không mở được đầu ra alsa hw:97,0 .*Could not open output alsa hw:97,0/);
    await expect(sink.write(Buffer.alloc(4))).rejects.toThrow();
  });
});
