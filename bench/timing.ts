// Start lateness through the real production path: a session scheduled through the API on
// 10 zones at the same second goes through the planner, the BullMQ playout job, the database
// claim, the zone lock, the session render and the Icecast output of a separate worker
// process, while uploads, their ingests and a monthly report run in the same installation.
// Lateness = arrival of the session's first audio frame at an independent listener socket
// (test/faults/listener.mjs: its own process, no project code, performance.now()-stamped
// frames, first non-silent frame after silence) minus the scheduled second.
//   npm run bench:timing [-- --rounds 3 --zones 10]
// Schedules are whole minutes (HH:MM), so each round is one minute. n counts the starts
// heard; "missing" (last key) counts scheduled starts no listener heard within 30 s.
import os from "node:os";
import { parseArgs } from "node:util";
import { setNiceness } from "../server/priority.ts";
import { Icecast, Installation, Listener, bigWav, nextMinute, sleep, until } from "../test/faults/harness.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    zones: { type: "string", default: "10" },
    load: { type: "string", default: "1" }, // 0: no background load (for comparison)
  },
});
const rounds = Number(values.rounds);
const NICENESS = Number(process.env.PLAYOUT_NICENESS ?? -5);
const zones = Number(values.zones);
const withLoad = values.load !== "0";

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
const round2 = (x: number) => Math.round(x * 100) / 100;

const load0 = os.loadavg()[0]!;
const icecast = await Icecast.create({ maxSources: zones + 2 });
// Laid out as `npm start` runs it: uploads, ingests and reports in the main process, playout
// in its own supervised child.
const inst = await Installation.create({ name: "timing", zones, icecast, layout: "npm-start" });
const listeners: Listener[] = [];
const loadLog: string[] = [];
try {
  const [itemId] = await inst.toneItems([440], 2);
  const programId = await inst.program([itemId!], 500);
  for (const m of inst.mounts) listeners.push(Listener.start(icecast.url(m), [440]));
  // A listener stands for a loudspeaker on hardware of its own: on this shared machine it
  // gets the playout process's CPU priority, so that its own queueing behind uploads and
  // reports is not counted as our lateness (refused without root: noted in the output).
  // Icecast is part of the output chain: it gets the same (deploy/ does likewise).
  let chainNice = "as playout";
  for (const pid of [...listeners.map((l) => l.pid), icecast.child?.pid]) {
    try {
      setNiceness(NICENESS, pid!);
    } catch {
      chainNice = "normal (setpriority refused)";
    }
  }
  const big = withLoad ? await bigWav(40) : "";
  const month = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(new Date()).slice(0, 7);

  const first = nextMinute(35_000);
  const starts = Array.from({ length: rounds }, (_, i) => first + i * 60_000);
  for (const T of starts) await inst.scheduleOnce(programId, T, 60);
  for (const T of starts) {
    const planned = await inst.airingsAt(T);
    if (planned.length !== zones) throw new Error(`expected ${zones} airings at ${new Date(T).toISOString()}, found ${planned.length}`);
  }

  const lateness: number[] = [];
  const missing: string[] = [];
  for (const T of starts) {
    // Background work in the same installation around air time: two uploads (each queues an
    // ingest in the worker), a monthly report job, and a report rendered by the API.
    let loads: Promise<unknown>[] = [];
    if (withLoad) {
      await until(T - 6_000);
      const t0 = Date.now();
      const note = (what: string) => (r: { status: number; json?: unknown }) =>
        loadLog.push(`${what} → ${r.status}${r.status >= 500 ? ` ${JSON.stringify(r.json).slice(0, 300)}` : ""} at T${((Date.now() - T) / 1000).toFixed(1)}s (${Date.now() - t0} ms)`);
      loads = [
        inst.upload(big, `Load ${T} a`).then(note("upload 40 MB")),
        sleep(1500).then(() => inst.upload(big, `Load ${T} b`)).then(note("upload 40 MB")),
        inst.req("POST", "/reports/monthly", { month }).then(note("monthly report job")),
        sleep(4000).then(() => inst.req("GET", `/reports?period=month&value=${month}&format=xlsx`)).then(note("report xlsx")),
        inst.req("POST", "/items", { kind: "tts", title: `TTS ${T}`, text: "Thông báo của Ủy ban nhân dân xã về lịch tiêm phòng cho gia súc, gia cầm trong tháng này." }).then(note("TTS item")),
      ];
    }
    await until(T + 8_000);
    await Promise.allSettled(loads);
    listeners.forEach((l, z) => {
      const onset = l.ev.audio.filter((t) => t > T - 15_000 && t < T + 30_000).sort((a, b) => a - b)[0];
      if (onset === undefined) missing.push(`zone ${z + 1} at ${new Date(T).toISOString()}`);
      else lateness.push(onset - T);
    });
    console.log(`round ${new Date(T).toISOString()}: ${lateness.slice(-zones).map((x) => x.toFixed(1)).join(" ")} ms`);
  }
  // What the product itself logged (actualStart − scheduled), beside what the listeners heard.
  const logged = (await inst.ok("GET", "/airings?limit=1000")).airings
    .filter((a: any) => starts.includes(new Date(a.scheduledStart).getTime()) && a.actualStart)
    .map((a: any) => new Date(a.actualStart).getTime() - new Date(a.scheduledStart).getTime())
    .sort((a: number, b: number) => a - b);
  if (logged.length) console.log(`as-run (actualStart − scheduled) of ${logged.length} airings: p50 ${percentile(logged, 50)} ms, p99 ${percentile(logged, 99)} ms, max ${logged.at(-1)} ms`);
  if (loadLog.length) console.log(`load: ${loadLog.join("; ")}`);
  const logLines = inst.logTail(5000).split("\n");
  const errors = logLines.flatMap((l, i) => (/ERROR/.test(l) ? logLines.slice(i, i + 8) : []));
  if (errors.length) console.log(`errors logged by the installation:\n${errors.slice(0, 40).join("\n")}`);
  if (missing.length) console.log(`no audio heard: ${missing.join(", ")}`);
  const sorted = [...lateness].sort((a, b) => a - b);
  const n = sorted.length;
  console.log(
    `${n} starts heard of ${rounds * zones} (${rounds} rounds × ${zones} zones at the same second, ${withLoad ? "with" : "without"} uploads/ingests/report); ` +
      `min ${n ? round2(sorted[0]!) : "-"} ms, mean ${n ? round2(sorted.reduce((a, b) => a + b, 0) / n) : "-"} ms; ` +
      `listener and Icecast priority ${chainNice}; machine load average ${load0.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end (${os.cpus().length} cores)`,
  );
  console.log(JSON.stringify({ n, zones, p50_ms: n ? round2(percentile(sorted, 50)) : null, p99_ms: n ? round2(percentile(sorted, 99)) : null, max_ms: n ? round2(sorted.at(-1)!) : null, missing: missing.length }));
} finally {
  await Promise.all(listeners.map((l) => l.stop()));
  await inst.dispose();
  await icecast.dispose();
}
process.exit(0);
