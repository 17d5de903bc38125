import { readFileSync, readlinkSync } from "node:fs";

/**
 * Who holds a rotation lock, precisely enough to prove on the same machine that the holder is gone (Linux only):
 * the kernel's boot id, the pid namespace, the pid and the process's start time. Two containers share a boot id but
 * not a pid namespace; a reused pid has another start time. Anywhere else nothing can be proven, and a lock is only
 * taken over once it has expired.
 */
export interface ProcessIdentity {
  bootId: string;
  pidNamespace: string;
  pid: number;
  startTime: string;
}

export function currentProcessIdentity(): ProcessIdentity | undefined {
  try {
    return { bootId: bootId(), pidNamespace: readlinkSync("/proc/self/ns/pid"), pid: process.pid, startTime: startTimeOf(process.pid)! };
  } catch {
    return undefined;
  }
}

/**
 * True only when `holder` ran on this boot of this machine, in this pid namespace, and no process with its pid and
 * start time exists any more. Anything that cannot be read proves nothing (false).
 */
export function isProvablyGone(holder: ProcessIdentity | undefined): boolean {
  if (!holder) return false;
  try {
    if (holder.bootId !== bootId() || holder.pidNamespace !== readlinkSync("/proc/self/ns/pid")) return false;
  } catch {
    return false;
  }
  let start: string | undefined;
  try {
    start = startTimeOf(holder.pid);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
  return start !== holder.startTime;
}

function bootId(): string {
  return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
}

/** Field 22 of /proc/<pid>/stat (clock ticks since boot): what tells a reused pid apart. */
function startTimeOf(pid: number): string | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}
