import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';

const POLL_MS = 200;

/** A background job as the host reports it (export.status, report.status, framehash.status). */
interface JobLike {
  jobId: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  progress: unknown;
  result: unknown;
  error: { code: string; message: string } | null;
}

/** The first problem of a failed parse, as a dialog shows it: `out: …`. */
export function firstIssue(error: z.ZodError): string {
  const first = error.issues[0];
  return `${first?.path.join(' › ') || 'Options'}: ${first?.message ?? 'invalid'}`;
}

/**
 * Start and follow a background job: poll its status until it ends, keep
 * the newest state, and stop polling when the component goes away. `error`
 * is why it could not start (or a failed poll); the job's own failure is in
 * `job.error`.
 */
export function useJob<J extends JobLike>(status: (jobId: string) => Promise<J>) {
  const [job, setJob] = useState<J | null>(null);
  const [error, setError] = useState<string | null>(null);
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
        (err: unknown) => setError((err as Error).message),
      );
    }, POLL_MS);
  };
  return {
    job,
    error,
    running: job?.state === 'running',
    /** Say why a job was not started (bad options), forgetting the last one. */
    refuse: (message: string) => {
      setJob(null);
      setError(message);
    },
    /** Start a job (the host answers with its id) and follow it. */
    launch: async (start: () => Promise<{ jobId: string }>) => {
      setJob(null);
      setError(null);
      try {
        const { jobId } = await start();
        setJob({ jobId, state: 'running', progress: null, result: null, error: null } as J);
        poll(jobId);
      } catch (err) {
        setError((err as Error).message);
      }
    },
  };
}
