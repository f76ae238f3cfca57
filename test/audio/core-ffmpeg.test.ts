// The ffmpeg runner with the real binary: progress, errors, and kills.
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { afterAll, describe, expect, it } from "vitest";
import { FfmpegError, runFfmpeg, runFfprobe, type Progress } from "../../audio/ffmpeg.ts";
import { probe } from "../../audio/probe.ts";
import { makeTmpDir } from "./fixtures-core.ts";

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

async function rejection(p: Promise<unknown>): Promise<FfmpegError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FfmpegError);
  return e as FfmpegError;
}

/** Never ends on its own: realtime-paced infinite tone to the null muxer. */
const ENDLESS = ["-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "sine=f=440", "-f", "null", "-"];

describe("runFfmpeg", () => {
  it("reports progress with a percentage and resolves on success", async () => {
    const seen: Progress[] = [];
    const out = join(tmp.dir, "tone.wav");
    await runFfmpeg(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=d=3", "-c:a", "pcm_s16le", out], {
      expectedDurationMs: 3000,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)!.outTimeMs).toBeGreaterThanOrEqual(2900);
    expect(seen.at(-1)!.percent).toBeGreaterThan(95);
    expect((await probe(out)).durationMs).toBe(3000);
  });

  it("attaches the command line, stderr and exit code to its error", async () => {
    const missing = join(tmp.dir, "does-not-exist.wav");
    const e = await rejection(runFfmpeg(["-nostdin", "-v", "error", "-i", missing, "-f", "null", "-"]));
    expect(e.command).toContain(missing);
    expect(e.stderr).toMatch(/No such file/);
    expect(e.exitCode).not.toBe(0);
    expect(e.timedOut).toBe(false);
  });

  it("kills the child on timeout and settles only after it is gone", async () => {
    let pid = 0;
    const e = await rejection(runFfmpeg(ENDLESS, { timeoutMs: 300, onStart: (s) => (pid = s.pid) }));
    expect(e.timedOut).toBe(true);
    expect(e.message).toMatch(/timed out after 300 ms/);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it("escalates to SIGKILL when the child ignores SIGTERM", async () => {
    const stubborn = join(tmp.dir, "stubborn.sh");
    writeFileSync(stubborn, "#!/bin/sh\ntrap '' TERM\nexec sleep 30\n");
    chmodSync(stubborn, 0o755);
    let pid = 0;
    const e = await rejection(runFfmpeg([], { binaryPath: stubborn, timeoutMs: 200, killGraceMs: 200, onStart: (s) => (pid = s.pid) }));
    expect(e.timedOut).toBe(true);
    expect(e.signal).toBe("SIGKILL");
    expect(alive(pid)).toBe(false);
  });

  it("kills the child when the AbortSignal fires", async () => {
    const ac = new AbortController();
    let pid = 0;
    setTimeout(() => ac.abort(), 200);
    const e = await rejection(runFfmpeg(ENDLESS, { signal: ac.signal, onStart: (s) => (pid = s.pid) }));
    expect(e.aborted).toBe(true);
    expect(alive(pid)).toBe(false);
  });

  it("reports a missing binary as an FfmpegError", async () => {
    const e = await rejection(runFfmpeg(["-version"], { binaryPath: join(tmp.dir, "no-ffmpeg-here") }));
    expect(e.message).toMatch(/Cannot start/);
  });

  it("runs a fluent-ffmpeg command", async () => {
    const out = join(tmp.dir, "fluent.wav");
    const cmd = ffmpeg().input("sine=d=1").inputFormat("lavfi").audioCodec("pcm_s16le").audioChannels(1).output(out);
    await runFfmpeg(cmd, { timeoutMs: 10_000 });
    expect(existsSync(out)).toBe(true);
    expect((await probe(out)).channels).toBe(1);
  });
});

describe("runFfprobe", () => {
  it("returns JSON on stdout", async () => {
    const { stdout } = await runFfprobe(["-v", "error", "-print_format", "json", "-show_format", "-f", "lavfi", "-i", "sine=d=1"]);
    expect(JSON.parse(stdout).format.format_name).toBe("lavfi");
  });
});

describe("background priority", () => {
  // The playout unit runs SCHED_RR (deploy/loa-xa-playout.service); a render it starts must
  // not inherit a real-time policy, under which niceness is ignored and it could starve the
  // machine. Needs the right to set SCHED_RR (root or CAP_SYS_NICE), as CI has.
  const mayRealTime = process.getuid?.() === 0 && existsSync("/usr/bin/chrt");
  it.runIf(mayRealTime)("an ffmpeg started by a real-time process runs under the normal policy", async () => {
    const script = join(tmp.dir, "rt.mts");
    writeFileSync(script, [
      `import { readFileSync } from "node:fs";`,
      `import { runFfmpeg } from ${JSON.stringify(join(import.meta.dirname, "../../audio/ffmpeg.ts"))};`,
      `const policy = (pid) => /^policy\\s*:\\s*(\\d+)/m.exec(readFileSync(\`/proc/\${pid}/sched\`, "utf8"))[1];`,
      `let child = "?";`,
      `await runFfmpeg(["-re", "-f", "lavfi", "-i", "sine=d=2", "-f", "null", "-"], { onStart: ({ pid }) => void setTimeout(() => (child = policy(pid)), 300) });`,
      `console.log(JSON.stringify({ self: policy(process.pid), child }));`,
    ].join("\n"));
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync("/usr/bin/chrt", ["--rr", "5", process.execPath, "--import", "tsx", script], { encoding: "utf8", cwd: join(import.meta.dirname, "../..") });
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({ self: "2", child: "0" });
  });
});
