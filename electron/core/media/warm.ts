import type { Writable } from 'node:stream';
import { processRegistry, spawnTracked, type TrackedProcess } from './process';

/**
 * A started ffmpeg kept waiting for work. Starting ffmpeg costs about 60 ms
 * before it reads its first byte (Debian's build loads a few hundred shared
 * libraries), which every jump and every first frame of a video would pay.
 * The waiting process has everything but its filter graph, which it reads
 * from a pipe on fd 3 (`-filter_complex_script pipe:3`); the graph's movie
 * source names the file. If the process dies while waiting (or this object
 * is closed), the pipe closes and nothing is left behind.
 */
export class WarmFfmpeg {
  private idle: { bin: string; proc: TrackedProcess } | null = null;
  private closed = false;

  constructor(private readonly args: readonly string[]) {}

  /** How many decodes started from a waiting ffmpeg (the rest started one). */
  reused = 0;

  /** ffmpeg running the given graph: the waiting one if it is alive and the same binary, else a new one. */
  take(bin: string, graph: string): TrackedProcess {
    let proc: TrackedProcess | null = null;
    if (this.idle && this.idle.bin === bin && alive(this.idle.proc)) {
      proc = this.idle.proc;
      this.reused++;
    }
    else this.idle?.proc.kill();
    this.idle = null;
    proc ??= this.spawn(bin);
    processRegistry.setWaiting(proc.child, false);
    const pipe = proc.child.stdio[3] as Writable;
    pipe.on('error', () => undefined);
    pipe.end(graph);
    return proc;
  }

  /**
   * Have one ffmpeg waiting. Callers do this once their decode has delivered
   * its first frame, so the start does not compete with it for the CPU.
   */
  refill(bin: string): void {
    if (this.closed) return;
    if (this.idle && alive(this.idle.proc) && this.idle.bin === bin) return;
    this.idle?.proc.kill();
    this.idle = { bin, proc: this.spawn(bin) };
  }

  close(): void {
    this.closed = true;
    this.idle?.proc.kill();
    this.idle = null;
  }

  private spawn(bin: string): TrackedProcess {
    const proc = spawnTracked(bin, this.args, { extraPipe: true });
    processRegistry.setWaiting(proc.child, true);
    return proc;
  }
}

function alive(p: TrackedProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null && !p.child.killed;
}
