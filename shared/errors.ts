/**
 * Error codes shared by every host (IPC, web host, CLI). Errors cross process
 * boundaries as `{ code, message }`, so the code is the stable part a caller
 * may branch on; the message is for people.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'NOT_FOUND',
  'PROJECT_EXISTS',
  'PROJECT_INVALID',
  'EMPTY_FILE',
  'NOT_A_VIDEO',
  'NO_VIDEO_STREAM',
  'TRUNCATED',
  'UNREADABLE',
  'VANISHED',
  'FFMPEG_MISSING',
  'FFMPEG_FAILED',
  'FRAME_OUT_OF_RANGE',
  'FRAME_MISMATCH',
  'TIMEOUT',
  'ABORTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class TellframeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TellframeError';
    this.code = code;
  }
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof TellframeError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

/** The result shape every API call returns across a boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
