import type { Worker } from 'node:worker_threads';
import { TellframeError, type ErrorCode } from '../../../shared/errors';
import type { WorkerSpec } from '../export/pool';
import { spectrogramIn } from './audioAnalysis';
import type { SpectrogramReply, SpectrogramRequest } from './audioWorker';

/** The host's side: a worker started on first use (or none: then on this thread), ended by close(). */
export class Spectrograms {
  private worker: Worker | null = null;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (d: Uint8Array) => void; reject: (e: Error) => void }>();

  /** How many spectrograms were computed on the worker, and on this thread. */
  readonly count = { worker: 0, inline: 0 };

  constructor(private readonly spec: WorkerSpec | null) {}

  compute(sha256: string, samples: number, edges: number[]): Promise<Uint8Array> {
    if (!this.spec) {
      this.count.inline++;
      return Promise.resolve().then(() => spectrogramIn(sha256, samples, edges));
    }
    this.count.worker++;
    const w = this.started();
    const id = this.next++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ id, sha256, samples, edges } satisfies SpectrogramRequest);
    });
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = null;
    this.failAll(new TellframeError('ABORTED', 'Closed.'));
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const w = this.spec!.start();
    // An idle worker does not keep the process alive.
    w.unref();
    w.on('message', (r: SpectrogramReply) => {
      const p = this.waiting.get(r.id);
      if (!p) return;
      this.waiting.delete(r.id);
      if ('data' in r) p.resolve(r.data);
      else p.reject(new TellframeError(r.error.code as ErrorCode, r.error.message));
    });
    const gone = (err: Error) => {
      if (this.worker === w) this.worker = null;
      this.failAll(new TellframeError('INTERNAL', `The audio worker stopped: ${err.message}`));
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`exit ${code}`)));
    this.worker = w;
    return w;
  }

  private failAll(err: Error): void {
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
  }
}
