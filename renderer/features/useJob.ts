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
  const [starting, setStarting] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Which job is followed now: a poll answer for any other (an earlier job, or after unmount) is dropped.
  const current = useRef<string | null>(null);
  useEffect(
    () => () => {
      current.current = null;
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const poll = (jobId: string, failures = 0) => {
    timer.current = setTimeout(() => {
      status(jobId).then(
        (s) => {
          if (current.current !== jobId) return;
          setJob(s);
          if (s.state === 'running') poll(jobId);
        },
        (err: unknown) => {
          if (current.current !== jobId) return;
          // A few misses in a row are retried; then the job is shown as lost, so the dialog can close.
          if (failures < 4) return poll(jobId, failures + 1);
          setJob((j) => (j ? { ...j, state: 'failed', error: { code: 'INTERNAL', message: `Lost track of the job: ${(err as Error).message}` } } : j));
        },
      );
    }, POLL_MS * (failures + 1));
  };
  return {
    job,
    error,
    /** Starting or running: one job at a time. */
    running: starting || job?.state === 'running',
    /** Say why a job was not started (bad options), forgetting the last one. */
    refuse: (message: string) => {
      current.current = null;
      setJob(null);
      setError(message);
    },
    /** Start a job (the host answers with its id) and follow it. */
    launch: async (start: () => Promise<{ jobId: string }>) => {
      if (starting || job?.state === 'running') return;
      current.current = null;
      if (timer.current) clearTimeout(timer.current);
      setJob(null);
      setError(null);
      setStarting(true);
      try {
        const { jobId } = await start();
        current.current = jobId;
        setJob({ jobId, state: 'running', progress: null, result: null, error: null } as J);
        poll(jobId);
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setStarting(false);
      }
    },
  };
}
