// Unit tests of the pure parts of audio/: argument builders, parsers, planners.
import ffmpeg from "fluent-ffmpeg";
import { describe, expect, it } from "vitest";
import { canonicalEncoderArgs, canonicalProblem, FRAME_MS, framesToMs, msToFrames, scanMp3Frames } from "../../audio/canonical.ts";
import { AudioInputError } from "../../audio/errors.ts";
import { fileUrl, formatCommand, parseProgressLine, toArgs } from "../../audio/ffmpeg.ts";
import { buildLoudnessArgs, parseEbur128Summary, parseIntegratedLufs } from "../../audio/loudness.ts";
import { buildAnalysisArgs, buildLimiterCheckArgs, buildNormaliseArgs, computeTrim, correctPlan, LIMITER_MARGIN_DB, parseSilencedetect, planGain } from "../../audio/normalise.ts";
import { parseProbeJson } from "../../audio/probe.ts";
import { buildConcatArgs, buildConcatList, buildTailArgs, buildTimeline, planRender, PREROLL_FRAMES } from "../../audio/render.ts";
import { buildSilenceArgs } from "../../audio/silence.ts";

const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe("canonical format", () => {
  it("encoder args pin codec, rate, mono, CBR bitrate and forbid ID3/Xing", () => {
    const a = canonicalEncoderArgs();
    expect(after(a, "-c:a")).toBe("libmp3lame");
    expect(after(a, "-ar")).toBe("44100");
    expect(after(a, "-ac")).toBe("1");
    expect(after(a, "-b:a")).toBe("128k");
    expect(after(a, "-write_xing")).toBe("0");
    expect(after(a, "-id3v2_version")).toBe("0");
    expect(a).not.toContain("-reservoir");
    expect(after(canonicalEncoderArgs({ reservoir: false }), "-reservoir")).toBe("0");
  });

  it("frame maths is exact at 1152 samples / 44.1 kHz", () => {
    expect(FRAME_MS).toBeCloseTo(26.1224, 4);
    expect(framesToMs(44100)).toBeCloseTo(1152_000, 6);
    expect(msToFrames(1000)).toBe(38);
    expect(msToFrames(0)).toBe(0);
  });

  it("scans synthetic MPEG-1 Layer III frames and spots tags and junk", () => {
    // 128 kbit/s, 44.1 kHz, mono: header FF FB 90 C4 (no padding → 417 bytes; padding → 418).
    const frame = (pad: boolean) => {
      const f = new Uint8Array(pad ? 418 : 417);
      f.set([0xff, 0xfb, pad ? 0x92 : 0x90, 0xc4]);
      return f;
    };
    const join = (...parts: Uint8Array[]) => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) (out.set(p, o), (o += p.length));
      return out;
    };
    const clean = scanMp3Frames(join(frame(false), frame(true), frame(false)));
    expect(clean.frames).toBe(3);
    expect(clean.offsets).toEqual([0, 417, 835, 1252]);
    expect(canonicalProblem(clean)).toBeUndefined();

    const id3 = join(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 2, 0, 0]), frame(false));
    const s = scanMp3Frames(id3);
    expect(s.hasId3v2).toBe(true);
    expect(s.frames).toBe(1);
    expect(canonicalProblem(s)).toMatch(/ID3/);

    const xing = frame(false);
    xing.set([0x58, 0x69, 0x6e, 0x67], 4 + 17); // "Xing" after mono side info
    expect(canonicalProblem(scanMp3Frames(join(xing, frame(false))))).toMatch(/Xing/);

    expect(canonicalProblem(scanMp3Frames(join(frame(false), new Uint8Array([1, 2, 3]))))).toMatch(/outside frames/);
    expect(canonicalProblem(scanMp3Frames(new Uint8Array(100)))).toBe("no MP3 frames");
  });
});

describe("ffmpeg runner helpers", () => {
  it("parses -progress out_time (microseconds) to ms", () => {
    expect(parseProgressLine("out_time_us=1500000")).toBe(1500);
    expect(parseProgressLine("out_time_ms=2500000")).toBe(2500);
    expect(parseProgressLine("progress=continue")).toBeUndefined();
  });

  it("passes local paths as file: URLs so names cannot act as protocols or options", () => {
    expect(fileUrl("/data/concat:evil.mp3")).toBe("file:/data/concat:evil.mp3");
    expect(fileUrl("-y.mp3")).toBe(`file:${process.cwd()}/-y.mp3`);
    expect(fileUrl("file:/x.mp3")).toBe("file:/x.mp3");
  });

  it("quotes commands for logs", () => {
    expect(formatCommand("/bin/ffmpeg", ["-i", "a b's.mp3", "-af", "volume=1dB"])).toBe(`/bin/ffmpeg -i 'a b'\\''s.mp3' -af volume=1dB`);
  });

  it("takes argv from a fluent-ffmpeg command", () => {
    const cmd = ffmpeg("in.wav").audioFrequency(44100).audioChannels(1).format("mp3").output("out.mp3");
    const args = toArgs(cmd);
    expect(args.slice(0, 2)).toEqual(["-i", "in.wav"]);
    expect(after(args, "-ar")).toBe("44100");
    expect(args.at(-1)).toBe("out.mp3");
  });
});

describe("loudness", () => {
  const summary = `[Parsed_ebur128_0 @ 0x1] Summary:

  Integrated loudness:
    I:         -23.4 LUFS
    Threshold: -33.7 LUFS

  Loudness range:
    LRA:         5.2 LU
    Threshold: -43.7 LUFS

  True peak:
    Peak:       -3.1 dBFS`;

  it("parses the ebur128 summary", () => {
    expect(parseEbur128Summary(`noise I: -1.0 LUFS\n${summary}`)).toEqual({ integratedLufs: -23.4, lraLu: 5.2, truePeakDbtp: -3.1 });
  });

  it("reads silence as −70 LUFS and −inf dBTP", () => {
    const silent = summary.replace("-23.4", "-70.0").replace("-3.1 dBFS", "-inf dBFS");
    expect(parseEbur128Summary(silent)).toMatchObject({ integratedLufs: -70, truePeakDbtp: -Infinity });
  });

  it("reads integrated loudness from a run without peak=true", () => {
    expect(parseIntegratedLufs(summary.slice(0, summary.indexOf("True peak")))).toBe(-23.4);
  });

  it("fails loudly when the summary is missing", () => {
    expect(() => parseEbur128Summary("nothing here")).toThrow(/summary not found/);
  });

  it("measures with ebur128 true peak, not loudnorm", () => {
    const a = buildLoudnessArgs("x.mp3");
    expect(after(a, "-af")).toMatch(/^ebur128=peak=true/);
    expect(a.join(" ")).not.toMatch(/loudnorm/);
  });
});

describe("normalise planning", () => {
  it("parses silencedetect and trims head and tail only", () => {
    const s = parseSilencedetect([
      "[silencedetect @ 0x1] silence_start: 0",
      "[silencedetect @ 0x1] silence_end: 1.00002 | silence_duration: 1.00002",
      "[silencedetect @ 0x1] silence_start: 3",
      "[silencedetect @ 0x1] silence_end: 3.5 | silence_duration: 0.5",
      "[silencedetect @ 0x1] silence_start: 4.5",
      "[silencedetect @ 0x1] silence_end: 6.5 | silence_duration: 2",
    ]);
    expect(s).toHaveLength(3);
    expect(computeTrim(s, 6500, { keepHeadMs: 100, keepTailMs: 200 })).toEqual({ startMs: expect.closeTo(900, 0), endMs: 4700 });
    // Middle silence alone is kept.
    expect(computeTrim([{ startMs: 3000, endMs: 3500 }], 6500, { keepHeadMs: 100, keepTailMs: 200 })).toEqual({ startMs: 0, endMs: 6500 });
    // Silence that never ends → nothing to air.
    expect(computeTrim([{ startMs: 0 }], 3000, { keepHeadMs: 100, keepTailMs: 200 })).toBeNull();
  });

  it("plans a linear gain and a limiter only when the peak would be too hot", () => {
    const quiet = planGain({ integratedLufs: -30, truePeakDbtp: -20, lraLu: 3 }, -16, -1.5);
    expect(quiet.gainDb).toBeGreaterThan(14);
    expect(quiet.limiterDb).toBeNull();
    const peaky = planGain({ integratedLufs: -20, truePeakDbtp: -2, lraLu: 3 }, -16, -1.5);
    expect(peaky.limiterDb).toBe(-1.5 - LIMITER_MARGIN_DB);
  });

  it("corrects a missed target once, and not when within tolerance", () => {
    const plan = { startSample: 0, endSample: 100, gainDb: 3, limiterDb: null };
    const o = { targetLufs: -16, truePeakCeilingDbtp: -1.5, toleranceLu: 0.5 };
    expect(correctPlan(plan, { integratedLufs: -16.3, truePeakDbtp: -4, lraLu: 1 }, { integratedLufs: -19, truePeakDbtp: -7, lraLu: 1 }, o)).toBeNull();
    const next = correctPlan(plan, { integratedLufs: -17.2, truePeakDbtp: -1.2, lraLu: 1 }, { integratedLufs: -19, truePeakDbtp: -4, lraLu: 1 }, o);
    expect(next?.gainDb).toBeCloseTo(4.2, 5);
    expect(next?.limiterDb).toBeLessThan(-1.5 - LIMITER_MARGIN_DB);
  });

  it("builds analysis and encode commands with the same prep chain", () => {
    const an = buildAnalysisArgs("in.wav", { silenceThresholdDb: -50, silenceMinMs: 300 });
    const enc = buildNormaliseArgs("in.wav", "out.part", { startSample: 4410, endSample: 88200, gainDb: 6.5, limiterDb: -2 });
    const prep = "aresample=44100,aformat=channel_layouts=mono,asetpts=N/SR/TB";
    expect(after(an, "-af")).toBe(`${prep},silencedetect=n=-50dB:d=0.3,ebur128=peak=true:framelog=verbose`);
    expect(after(enc, "-af")).toBe(`${prep},atrim=start_sample=4410:end_sample=88200,asetpts=N/SR/TB,volume=6.50dB,alimiter=limit=0.7943:level=0:attack=5:release=50`);
    expect(after(enc, "-f")).toBe("mp3");
    expect(enc.at(-1)).toBe(`file:${process.cwd()}/out.part`);
    expect(after(enc, "-i")).toBe(`file:${process.cwd()}/in.wav`);
    expect(after(buildNormaliseArgs("i", "o", { startSample: 0, endSample: 1, gainDb: -2, limiterDb: null }), "-af")).not.toMatch(/alimiter/);
    // The limiter check runs the same chain into a meter instead of the encoder.
    const check = buildLimiterCheckArgs("in.wav", { startSample: 4410, endSample: 88200, gainDb: 6.5, limiterDb: -2 });
    expect(after(check, "-af")).toBe(`${after(enc, "-af")},ebur128=framelog=verbose`);
    expect(check).not.toContain("libmp3lame");
  });
});

describe("probe parsing", () => {
  it("maps ffprobe JSON", () => {
    const p = parseProbeJson(
      JSON.stringify({
        streams: [{ codec_type: "video", codec_name: "png" }, { codec_type: "audio", codec_name: "mp3", sample_rate: "48000", channels: 2, bit_rate: "192000" }],
        format: { format_name: "mp3", duration: "4.0200" },
      }),
    );
    expect(p).toEqual({ durationMs: 4020, codec: "mp3", sampleRate: 48000, channels: 2, bitRate: 192000, formatName: "mp3", hasAudio: true, durationEstimated: false });
    expect(parseProbeJson(JSON.stringify({ streams: [], format: {} }), "[mp3 @ 0x1] Estimating duration from bitrate, this may be inaccurate").durationEstimated).toBe(true);
    expect(parseProbeJson(JSON.stringify({ streams: [{ codec_type: "video" }], format: { format_name: "png_pipe" } })).hasAudio).toBe(false);
  });
});

describe("silence and concat builders", () => {
  it("silence: exact packet count, canonical encoder", () => {
    const a = buildSilenceArgs(38, "s.mp3");
    expect(after(a, "-frames:a")).toBe("38");
    expect(after(a, "-i")).toBe("anullsrc=r=44100:cl=mono");
    expect(after(a, "-c:a")).toBe("libmp3lame");
  });

  it("concat list escapes quotes; concat is a stream copy", () => {
    expect(buildConcatList(["/a/it's.mp3", "/b/c.mp3"])).toBe("ffconcat version 1.0\nfile 'file:/a/it'\\''s.mp3'\nfile 'file:/b/c.mp3'\n");
    const a = buildConcatArgs("/w/list.txt", "/w/out.part");
    expect(a.slice(a.indexOf("-f"), a.indexOf("-f") + 6)).toEqual(["-f", "concat", "-safe", "0", "-i", "file:/w/list.txt"]);
    expect(after(a, "-c")).toBe("copy");
    expect(a).not.toContain("libmp3lame");
  });
});

describe("render planning", () => {
  const tl = (items: number[], o: { intro?: number; outro?: number; gap?: number } = {}) =>
    buildTimeline(
      { ...(o.intro ? { intro: o.intro } : {}), items, ...(o.outro ? { outro: o.outro } : {}), gapFrames: o.gap ?? 10 },
      { intro: "intro", items: items.map((_, i) => `item${i}`), outro: "outro", gap: "gap" },
    );

  it("lays out intro, items and outro with gaps between, all stream-copied", () => {
    const p = planRender(tl([100, 200], { intro: 50, outro: 40 }), { fadeFrames: 115, keepOutro: true });
    expect(p.timeline.map((x) => x.kind)).toEqual(["intro", "gap", "item", "gap", "item", "gap", "outro"]);
    expect(p.totalFrames).toBe(50 + 10 + 100 + 10 + 200 + 10 + 40);
    expect(p.tail).toBeNull();
    expect(p.truncated).toBe(false);
    expect(p.lines.map((l) => [l.index, l.offsetFrames, l.frames, l.status])).toEqual([
      [0, 60, 100, "full"],
      [1, 170, 200, "full"],
    ]);
    expect(p.body.every((b) => b.from === 0 && b.to === p.timeline[b.part]!.frames)).toBe(true);
  });

  it("cuts inside an item with a fade, keeps the outro, drops what is left", () => {
    const p = planRender(tl([300, 300, 300], { outro: 40 }), { maxFrames: 500, fadeFrames: 100, keepOutro: true, minPartialFrames: 50 });
    // body budget = 500 − (gap 10 + outro 40) = 450 → item1 (offset 310) plays 140 frames.
    expect(p.totalFrames).toBe(500);
    expect(p.lines.map((l) => l.status)).toEqual(["full", "cut", "dropped"]);
    expect(p.lines[1]!.frames).toBe(140);
    expect(p.fadeOffsetFrames).toBe(350);
    expect(p.tail).toMatchObject({ dropFrames: PREROLL_FRAMES, keepFrames: 100, fadeSamples: 100 * 1152, fadeStartSample: 1199 });
    // copied: item0, gap, first 40 frames of item1; then tail; then gap + outro.
    expect(p.body.map((b) => [p.timeline[b.part]!.source, b.from, b.to])).toEqual([["item0", 0, 300], ["gap", 0, 10], ["item1", 0, 40]]);
    expect(p.after.map((b) => p.timeline[b.part]!.source)).toEqual(["gap", "outro"]);
    expect(p.segments.at(-1)).toMatchObject({ kind: "outro", offsetFrames: 460, frames: 40 });
  });

  it("ends cleanly after the last whole item when the cut lands in a gap or a tiny fragment", () => {
    const inGap = planRender(tl([300, 300]), { maxFrames: 305, fadeFrames: 100, keepOutro: true });
    expect(inGap.tail).toBeNull();
    expect(inGap.totalFrames).toBe(300);
    expect(inGap.lines.map((l) => l.status)).toEqual(["full", "dropped"]);
    const fragment = planRender(tl([300, 300]), { maxFrames: 330, fadeFrames: 100, keepOutro: true, minPartialFrames: 50 });
    expect(fragment.tail).toBeNull();
    expect(fragment.totalFrames).toBe(300);
  });

  it("builds the fade tail command: sample-exact trim, fade, no reservoir, exact frame count", () => {
    const p = planRender(tl([300, 300]), { maxFrames: 400, fadeFrames: 100, keepOutro: true });
    const a = buildTailArgs("tail.ffconcat", p.tail!, "tail.mp3");
    expect(after(a, "-af")).toMatch(/^asetpts=N\/SR\/TB,atrim=start_sample=\d+:end_sample=\d+,asetpts=N\/SR\/TB,volume=[\d.]+dB,afade=t=out:ss=1199:ns=115200$/);
    expect(after(a, "-reservoir")).toBe("0");
    expect(after(a, "-frames:a")).toBe(String(PREROLL_FRAMES + 100));
  });
});

describe("AudioInputError", () => {
  it("carries a code and Vietnamese + English text", () => {
    const e = new AudioInputError("TOO_LONG", { seconds: "4000.0", max: "3600.0" });
    expect(e.code).toBe("TOO_LONG");
    expect(e.messageVi).toBe("Âm thanh quá dài (4000.0 giây, tối đa 3600.0 giây).");
    expect(e.messageEn).toBe("The audio is too long (4000.0 s, maximum 3600.0 s).");
    expect(e.message).toContain(e.messageVi);
    expect(e.message).toContain(e.messageEn);
  });
});
