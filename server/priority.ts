// CPU priority (nice value) of a whole process. Linux keeps a nice value per thread and
// setpriority(pid) changes only the thread with that id, so every thread is set (libuv's
// pool reads the audio files; threads started later inherit from their creator).
import fs from "node:fs";
import os from "node:os";

/** Sets the nice value of every thread of `pid` (default this process); throws if refused. */
export function setNiceness(niceness: number, pid: number = process.pid): void {
  let tids: number[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    tids = [pid]; // no /proc: the main thread at least
  }
  for (const tid of tids) {
    try {
      os.setPriority(tid, niceness);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH") continue; // a thread that just ended
      throw e;
    }
  }
}
