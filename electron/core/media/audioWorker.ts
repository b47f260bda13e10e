import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../../shared/errors';
import { spectrogramIn } from './audioAnalysis';

/**
 * Spectrograms off the host's main thread: reading a view's samples from
 * the PCM cache and its FFTs take 13–40 ms, which on the thread that
 * serves frames would stall stepping. One long-lived worker answers one
 * request at a time, in order (the host's side is spectrograms.ts).
 */
export interface SpectrogramRequest { id: number; sha256: string; samples: number; edges: number[] }
export type SpectrogramReply = { id: number; data: Uint8Array } | { id: number; error: { code: string; message: string } };

const port = parentPort;
if (port) {
  port.on('message', (m: SpectrogramRequest) => {
    try {
      const data = spectrogramIn(m.sha256, m.samples, m.edges);
      port.postMessage({ id: m.id, data } satisfies SpectrogramReply, [data.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: m.id, error: toErrorInfo(err) } satisfies SpectrogramReply);
    }
  });
}
