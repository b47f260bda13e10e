import type { Core } from '../../electron/core/api';
import type { Output } from '../../shared/api';

type StatusMethod = 'report.status' | 'export.status' | 'framehash.status' | 'signals.status';

/** Poll a background job until it is no longer running; its last state. */
export async function untilDone<M extends StatusMethod>(core: Core, method: M, jobId: string): Promise<Output<M>> {
  for (;;) {
    const job = await core.call(method, { jobId });
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}
