import { useEffect, useRef, useState } from 'react';

const POLL_MS = 200;

/** A background job as the host reports it (export.status, report.status). */
interface JobLike {
  jobId: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
}

/**
 * Follow a background job: poll its status until it ends, keep the newest
 * state, and stop polling when the component goes away. A failed poll is
 * kept as `pollError`.
 */
export function useJob<J extends JobLike>(status: (jobId: string) => Promise<J>) {
  const [job, setJob] = useState<J | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const poll = (jobId: string) => {
    timer.current = setTimeout(() => {
      status(jobId).then(
        (s) => {
          setJob(s);
          if (s.state === 'running') poll(jobId);
        },
        (err: unknown) => setPollError((err as Error).message),
      );
    }, POLL_MS);
  };
  return {
    job,
    pollError,
    running: job?.state === 'running',
    /** Forget the last job (before starting another). */
    reset: () => {
      setJob(null);
      setPollError(null);
    },
    follow: (started: J) => {
      setJob(started);
      poll(started.jobId);
    },
  };
}
