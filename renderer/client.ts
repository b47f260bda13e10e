import { audioPath, framePath, type Input, type Method, type Output, type TellframeClient } from '../shared/api';
import type { Result } from '../shared/errors';

/** An error from the core, with the code it carried across the boundary. */
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** The browser-mode transport: the loopback web host's HTTP API. */
export function webClient(token: string): TellframeClient {
  const q = `token=${encodeURIComponent(token)}`;
  return {
    async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
      const res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tellframe-token': token },
        body: JSON.stringify(input),
      });
      let result: Result<Output<M>>;
      try {
        result = (await res.json()) as Result<Output<M>>;
      } catch {
        throw new ApiError('INTERNAL', `The host answered ${res.status} without JSON.`);
      }
      if (!result.ok) throw new ApiError(result.error.code, result.error.message);
      return result.value;
    },
    frameUrl: (id, index, ext) => `${framePath(id, index, ext)}?${q}`,
    audioUrl: (id) => `${audioPath(id)}?${q}`,
  };
}

/** Electron's preload client when present, otherwise the web host. */
export function defaultClient(): TellframeClient {
  if (window.tellframe) return window.tellframe;
  return webClient(new URLSearchParams(window.location.search).get('token') ?? '');
}
