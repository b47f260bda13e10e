import { randomUUID } from 'node:crypto';
import { TellframeError, toErrorInfo } from '../../shared/errors';

/** A background job as status calls report it (exports and reports). */
export interface JobState<P, R> {
  jobId: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  progress: P | null;
  result: R | null;
  error: { code: string; message: string } | null;
}

/**
 * Background jobs of one kind: started, polled for progress and cancelled
 * by id. Finished jobs are forgotten ten minutes after they end.
 */
export class JobTable<P, R> {
  private readonly jobs = new Map<string, { state: JobState<P, R>; ac: AbortController; endedAt: number | null }>();
  private readonly byKey = new Map<string | number, string>();

  /** `what` names the kind in errors: "No export job …". */
  constructor(private readonly what: string) {}

  start(run: (signal: AbortSignal, progress: (p: P) => void) => Promise<R>): string {
    const now = Date.now();
    for (const [id, j] of this.jobs) if (j.endedAt && now - j.endedAt > 10 * 60_000) this.jobs.delete(id);
    const jobId = randomUUID();
    const job = { state: { jobId, state: 'running', progress: null, result: null, error: null } as JobState<P, R>, ac: new AbortController(), endedAt: null as number | null };
    this.jobs.set(jobId, job);
    void run(job.ac.signal, (p) => (job.state = { ...job.state, progress: { ...p } }))
      .then(
        (result) => (job.state = { ...job.state, state: 'done', result }),
        (err: unknown) => {
          const info = toErrorInfo(err);
          job.state = { ...job.state, state: info.code === 'ABORTED' ? 'cancelled' : 'failed', error: info };
        },
      )
      .finally(() => (job.endedAt = Date.now()));
    return jobId;
  }

  /**
   * Start a job for `key` unless one for it is still running, whose id is
   * then returned: one full decode of a video at a time, however often it is
   * asked for.
   */
  startFor(key: string | number, run: (signal: AbortSignal, progress: (p: P) => void) => Promise<R>): string {
    const running = this.byKey.get(key);
    if (running && this.jobs.get(running)?.state.state === 'running') return running;
    const jobId = this.start(run);
    this.byKey.set(key, jobId);
    return jobId;
  }

  status(jobId: string): JobState<P, R> {
    return this.job(jobId).state;
  }

  /** Ask a job to stop; `cancelled` says whether it was still running. */
  cancel(jobId: string): { cancelled: boolean } {
    const j = this.job(jobId);
    const running = j.state.state === 'running';
    j.ac.abort();
    return { cancelled: running };
  }

  /** Stop every running job (the project is closing). */
  abortAll(): void {
    for (const j of this.jobs.values()) j.ac.abort();
  }

  private job(jobId: string) {
    const j = this.jobs.get(jobId);
    if (!j) throw new TellframeError('NOT_FOUND', `No ${this.what} job ${jobId}.`);
    return j;
  }
}
