import { TellframeError } from '../../shared/errors';

/**
 * At most `limit` holders at once; the rest wait in order. Face signals
 * take one core and about 150 MB each: opening ten videos in a row must
 * queue their measuring, not start ten models side by side.
 */
export class Slots {
  private active = 0;
  private readonly queue: { go: () => void; signal?: AbortSignal; onAbort: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Whether a slot is free now (else acquire waits). */
  get free(): boolean {
    return this.active < this.limit;
  }

  /** A slot (resolves with its release), or ABORTED if `signal` fires while waiting. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new TellframeError('ABORTED', 'Cancelled.'));
    const release = () => {
      this.active--;
      this.next();
    };
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(once(release));
    }
    return new Promise((resolve, reject) => {
      const entry = {
        go: () => {
          signal?.removeEventListener('abort', entry.onAbort);
          this.active++;
          resolve(once(release));
        },
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new TellframeError('ABORTED', 'Cancelled.'));
        },
      };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.queue.push(entry);
    });
  }

  private next(): void {
    while (this.active < this.limit && this.queue.length) this.queue.shift()!.go();
  }
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}
