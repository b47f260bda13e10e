import type { ReactNode } from 'react';

/** A background job as a dialog shows it (export, report, frame hashes). */
interface ShownJob {
  state: 'running' | 'done' | 'cancelled' | 'failed';
  progress: { fraction: number } | null;
  error: { code: string; message: string } | null;
}

/**
 * A job's progress bar and what it is doing or did: `running` while it runs,
 * `done` when it ended well, `ended` for a cancel or a failure (with the
 * failure's message below). `children` add what only this job says.
 */
export function JobPanel(props: { job: ShownJob; label: string; testId?: string; running: string; done: string; ended: { cancelled: string; failed: string }; children?: ReactNode }) {
  const { job } = props;
  return (
    <div className="job" data-testid={props.testId} data-state={job.state}>
      <progress max={1} value={job.state === 'done' ? 1 : (job.progress?.fraction ?? 0)} aria-label={props.label} />
      <div className="muted">
        {job.state === 'running' ? props.running : job.state === 'done' ? props.done : job.state === 'cancelled' ? props.ended.cancelled : props.ended.failed}
      </div>
      {props.children}
      {job.error && job.state === 'failed' ? <p className="error" role="alert">{job.error.message}</p> : null}
    </div>
  );
}
