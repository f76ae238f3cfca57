#!/usr/bin/env node
// Independent listener: the judge of what aired. It imports NOTHING from the project (only
// node: built-ins and the system's ffmpeg), so the product cannot grade itself.
//
//   node test/faults/listener.mjs --url http://127.0.0.1:PORT/mount --freqs 440,550,660 [--ffmpeg /usr/bin/ffmpeg]
//
// It connects to the Icecast mount and stays connected, reconnecting every 100 ms whenever
// the mount is absent or the connection drops. Each MP3 frame is stamped with the wall-clock
// time (performance.timeOrigin + performance.now(), epoch ms) at which its last byte arrived
// on the socket. Frames are decoded by a separate ffmpeg per connection to PCM; since
// ffmpeg's MP3 decoder yields exactly one frame's samples per frame (1152 for MPEG-1), the
// decoded window of frame k carries frame k's arrival stamp. Each frame-sized window is
// classified by Goertzel filters at the test frequencies; runs of windows with the same
// tone become segments. Output: one JSON object per line on stdout:
//   {"ev":"connect","t":…}            connected, HTTP 200
//   {"ev":"disconnect","t":…,"why":…}  connection ended
//   {"ev":"audio","t":…}              an onset: the first non-silent frame of a connection or
//                                      after at least 0.5 s of silence (its arrival time)
//   {"ev":"tone","hz":…,"start":…,"end":…,"frames":…}   a tone segment (start = arrival of its
//                                      first frame, end = arrival of its last frame + frame length)
import http from "node:http";
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    freqs: { type: "string", default: "" },
    ffmpeg: { type: "string", default: process.env.LISTENER_FFMPEG || "/usr/bin/ffmpeg" },
    "silence-dbfs": { type: "string", default: "-55" },
  },
});
if (!values.url) {
  process.stderr.write("listener: --url is required\n");
  process.exit(2);
}
const url = values.url;
const freqs = values.freqs.split(",").filter(Boolean).map(Number);
const silenceRms = 10 ** (Number(values["silence-dbfs"]) / 20) * 32768;
const now = () => performance.timeOrigin + performance.now();
const emit = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

// ---- MP3 frame parsing (MPEG-1/2/2.5 Layer III) ----
const BITRATES = {
  1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };
function header(b, i) {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) return null;
  const ver = (b[i + 1] >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  const layer = (b[i + 1] >> 1) & 3; // 1 = Layer III
  const bri = (b[i + 2] >> 4) & 15;
  const sri = (b[i + 2] >> 2) & 3;
  if (ver === 1 || layer !== 1 || bri === 0 || bri === 15 || sri === 3) return null;
  const rate = RATES[ver][sri];
  const kbps = BITRATES[ver === 3 ? 1 : 2][bri];
  const pad = (b[i + 2] >> 1) & 1;
  const spf = ver === 3 ? 1152 : 576;
  const len = Math.floor(((spf / 8) * kbps * 1000) / rate) + pad;
  return { len, rate, spf };
}

// ---- Goertzel ----
function goertzelPower(x, f, rate) {
  const w = (2 * Math.PI * f) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0, s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

let connection = 0;
let stopping = false;
const active = new Set(); // flush functions of open connections

function connect() {
  if (stopping) return;
  const id = ++connection;
  const req = http.get(url, { headers: { "user-agent": "loaxa-independent-listener", "icy-metadata": "0" } }, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      res.on("end", () => setTimeout(connect, 100));
      res.on("error", () => {});
      return;
    }
    emit({ ev: "connect", t: now(), conn: id });
    session(res, id);
  });
  req.on("error", () => setTimeout(connect, 100));
  req.setTimeout(15_000, () => req.destroy(new Error("timeout")));
}

function session(res, id) {
  const dec = spawn(values.ffmpeg, [
    "-hide_banner", "-v", "error", "-probesize", "32", "-analyzeduration", "0", "-fflags", "nobuffer",
    "-f", "mp3", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-flush_packets", "1", "pipe:1",
  ], { stdio: ["pipe", "pipe", "ignore"] });
  dec.stdin.on("error", () => {});
  let buf = Buffer.alloc(0);
  let synced = false;
  const stamps = []; // arrival time of each frame written to the decoder, in order
  let spf = 1152;
  let rate = 44100;
  let frameMs = 26.12;
  let silentFrames = Infinity; // silent frames since the last non-silent one
  let seg = null; // { hz, start, lastT, frames, miss }

  res.on("data", (chunk) => {
    const t = now();
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let i = 0;
    const frames = [];
    while (i + 4 <= buf.length) {
      const h = header(buf, i);
      if (!h) {
        synced = false;
        i++;
        continue;
      }
      if (!synced) {
        // Resync: accept a header only if another valid header follows it.
        if (i + h.len + 4 > buf.length) break;
        if (!header(buf, i + h.len)) { i++; continue; }
        synced = true;
      }
      if (i + h.len > buf.length) break;
      spf = h.spf; rate = h.rate; frameMs = (spf * 1000) / rate;
      frames.push(buf.subarray(i, i + h.len));
      stamps.push(t);
      i += h.len;
    }
    buf = buf.subarray(i);
    if (frames.length) dec.stdin.write(Buffer.concat(frames));
  });

  // PCM: one window per frame.
  let pcm = Buffer.alloc(0);
  let frameIndex = 0;
  dec.stdout.on("data", (chunk) => {
    pcm = pcm.length ? Buffer.concat([pcm, chunk]) : chunk;
    const bytes = spf * 2;
    while (pcm.length >= bytes) {
      const x = new Float64Array(spf);
      let e = 0;
      for (let k = 0; k < spf; k++) {
        const v = pcm.readInt16LE(k * 2);
        x[k] = v;
        e += v * v;
      }
      pcm = pcm.subarray(bytes);
      const t = stamps[frameIndex] ?? now();
      frameIndex++;
      classify(x, e, t);
    }
  });

  function classify(x, e, t) {
    const rms = Math.sqrt(e / x.length);
    let hz = null;
    if (rms > silenceRms) {
      if (silentFrames >= 20) emit({ ev: "audio", t, conn: id });
      silentFrames = 0;
      let best = 0;
      for (const f of freqs) {
        const r = (2 * goertzelPower(x, f, rate)) / (x.length * e);
        if (r > best) { best = r; hz = f; }
      }
      if (best < 0.5) hz = null;
    } else silentFrames++;
    if (seg && hz === seg.hz) {
      seg.lastT = t; seg.frames++; seg.miss = 0;
      return;
    }
    if (seg) {
      // A frame or two of doubt (a transition) does not end a tone.
      if (hz === null && seg.miss < 2) { seg.miss++; return; }
      flush();
    }
    if (hz !== null) seg = { hz, start: t, lastT: t, frames: 1, miss: 0 };
  }
  function flush() {
    if (seg && seg.frames >= 4) emit({ ev: "tone", hz: seg.hz, start: seg.start, end: seg.lastT + frameMs, frames: seg.frames, conn: id });
    seg = null;
  }

  active.add(flush);
  let ended = false;
  const end = (why) => {
    if (ended) return;
    ended = true;
    active.delete(flush);
    const t = now();
    dec.stdin.end();
    dec.once("close", () => {
      flush();
      emit({ ev: "disconnect", t, why, conn: id });
      setTimeout(connect, 100);
    });
  };
  res.on("end", () => end("end"));
  res.on("error", (e) => end(e.message));
  res.on("close", () => end("close"));
}

process.on("SIGTERM", () => {
  stopping = true;
  for (const f of active) f();
  process.exit(0);
});
connect();
