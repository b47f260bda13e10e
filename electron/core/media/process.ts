import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { TellframeError } from '../../../shared/errors';

/**
 * Every ffmpeg/ffprobe child goes through here: spawned with an argument
 * array (never a shell), with a timeout and an abort signal, and tracked in
 * one registry so that quitting or cancelling leaves no orphan.
 */
const active = new Set<ChildProcess>();
/** Children started ahead of need and waiting for work (see WarmFfmpeg). */
const waiting = new WeakSet<ChildProcess>();

export const processRegistry = {
  get size(): number {
    return active.size;
  },
  /** Children doing work: all but those waiting for it. */
  get busy(): number {
    let n = 0;
    for (const c of active) if (!waiting.has(c)) n++;
    return n;
  },
  /** Mark a child as waiting for work (or, with false, as working). */
  setWaiting(child: ChildProcess, on: boolean): void {
    if (on) waiting.add(child);
    else waiting.delete(child);
  },
  /** Kill every running child (app quit, test teardown). */
  killAll(): void {
    for (const child of active) child.kill('SIGKILL');
  },
};

export interface RunOptions {
  /** Kill the child after this long (default 10 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called for each stdout chunk; when set, stdout is not collected. */
  onStdout?: (chunk: Buffer) => void;
  /** Called for each complete stderr line; stderr is still collected (bounded). */
  onStderrLine?: (line: string) => void;
  /** Keep at most this many bytes of stderr (default 1 MiB; older text is dropped). */
  maxStderr?: number;
  /** Bytes of stdout expected; lets the collector preallocate once. */
  expectedStdoutBytes?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export function runProcess(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const { timeoutMs = 600_000, signal, onStdout, onStderrLine, maxStderr = 1 << 20 } = opts;
  return new Promise<RunResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new TellframeError('ABORTED', 'Cancelled.'));
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      reject(new TellframeError('FFMPEG_FAILED', `Could not start ${bin}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    active.add(child);

    let out: Buffer | null = opts.expectedStdoutBytes ? Buffer.allocUnsafe(opts.expectedStdoutBytes) : null;
    let outLen = 0;
    const outChunks: Buffer[] = [];
    let err = '';
    let pendingLine = '';
    let killedFor: 'timeout' | 'abort' | null = null;

    child.stdout!.on('data', (chunk: Buffer) => {
      if (onStdout) return onStdout(chunk);
      if (out && outLen + chunk.length <= out.length) {
        chunk.copy(out, outLen);
        outLen += chunk.length;
      } else {
        if (out) {
          outChunks.push(out.subarray(0, outLen));
          out = null;
        }
        outChunks.push(chunk);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      err += text;
      if (err.length > maxStderr) err = err.slice(err.length - maxStderr);
      if (onStderrLine) {
        const lines = (pendingLine + text).split(/\r?\n|\r/);
        pendingLine = lines.pop() ?? '';
        for (const line of lines) if (line) onStderrLine(line);
      }
    });

    const timer = setTimeout(() => {
      killedFor = 'timeout';
      child.kill('SIGKILL');
    }, timeoutMs);
    const onAbort = (): void => {
      killedFor = 'abort';
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      active.delete(child);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish();
      const code = e.code === 'ENOENT' ? 'FFMPEG_MISSING' : 'FFMPEG_FAILED';
      reject(new TellframeError(code, `Could not run ${bin}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, sig) => {
      finish();
      if (onStderrLine && pendingLine) onStderrLine(pendingLine);
      if (killedFor === 'timeout') {
        reject(new TellframeError('TIMEOUT', `${bin} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`));
        return;
      }
      if (killedFor === 'abort') {
        reject(new TellframeError('ABORTED', 'Cancelled.'));
        return;
      }
      const stdout = outChunks.length
        ? Buffer.concat(out ? [...outChunks, out.subarray(0, outLen)] : outChunks)
        : (out?.subarray(0, outLen) ?? Buffer.alloc(0));
      resolve({ code, signal: sig, stdout, stderr: err });
    });
  });
}

/** The last meaningful stderr line, for error messages. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

export interface TrackedProcess {
  child: ChildProcess;
  /** Resolves with the exit code once the child has exited (never rejects). */
  exited: Promise<number | null>;
  kill(): void;
}

/**
 * Spawn a long-running child whose stdout the caller reads itself (e.g. a
 * decode pipe that is paused for back-pressure). It is registered like every
 * other child and killed on abort.
 */
export function spawnTracked(bin: string, args: readonly string[], opts: { signal?: AbortSignal; extraPipe?: boolean } = {}): TrackedProcess {
  // extraPipe: a writable pipe on the child's fd 3 (ffmpeg reads it as `pipe:3`).
  const child = spawn(bin, args, { stdio: opts.extraPipe ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'], windowsHide: true });
  active.add(child);
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // A paused stdout with unread bytes would hold back 'close' for ever.
    child.stdout?.destroy();
    (child.stdio[3] as Writable | undefined)?.destroy();
  };
  opts.signal?.addEventListener('abort', kill, { once: true });
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => {
      active.delete(child);
      resolve(null);
    });
    child.on('close', (code) => {
      active.delete(child);
      opts.signal?.removeEventListener('abort', kill);
      resolve(code);
    });
  });
  return { child, exited, kill };
}
