import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../../shared/errors';
import { computeFaceSignals, type FaceSignalInput, type FaceSignals } from './faceSignals';

/**
 * A worker thread that computes one video's face signals (the model runs on
 * its own thread, so the host that serves frames stays responsive). Messages
 * in: `{ run: input }`, then maybe `{ abort: true }`; out: progress, then one
 * result or error.
 */
export type FaceWorkerRequest = { run: FaceSignalInput } | { abort: true };
export type FaceWorkerReply =
  | { progress: { done: number; total: number } }
  | { result: FaceSignals }
  | { error: { code: string; message: string } };

const port = parentPort;
if (port) {
  const ac = new AbortController();
  port.on('message', (msg: FaceWorkerRequest) => {
    if ('abort' in msg) return ac.abort();
    computeFaceSignals(msg.run, { signal: ac.signal, onProgress: (done, total) => port.postMessage({ progress: { done, total } } satisfies FaceWorkerReply) }).then(
      (result) => port.postMessage({ result } satisfies FaceWorkerReply),
      (err: unknown) => port.postMessage({ error: toErrorInfo(err) } satisfies FaceWorkerReply),
    );
  });
}
