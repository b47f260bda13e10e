import { useEffect, useMemo, useRef, useState } from 'react';
import { fromBase64 } from '../../../shared/base64';
import type { Output, TellframeClient } from '../../../shared/api';
import type { VideoSummary } from '../../../shared/model';
import type { View } from '../annotate/Timeline';
import type { PlayerController } from '../player/controller';

const WAVE_H = 40;
const SPEC_H = 64;
const ENV_H = 22;

/** A dark-to-bright colour ramp for the spectrogram (0 silent … 255 loud). */
const RAMP: Uint8ClampedArray = (() => {
  const stops: [number, number, number, number][] = [[0, 8, 8, 16], [64, 60, 16, 110], [128, 190, 40, 90], [192, 250, 140, 40], [255, 255, 250, 200]];
  const out = new Uint8ClampedArray(256 * 3);
  for (let v = 0; v < 256; v++) {
    const j = stops.findIndex((s) => s[0] >= v);
    const [a, b] = j <= 0 ? [stops[0]!, stops[0]!] : [stops[j - 1]!, stops[j]!];
    const t = b[0] === a[0] ? 0 : (v - a[0]) / (b[0] - a[0]);
    for (let c = 0; c < 3; c++) out[v * 3 + c] = a[c + 1]! + (b[c + 1]! - a[c + 1]!) * t;
  }
  return out;
})();

/**
 * Where each pixel edge of the view falls in time from frame 0 (the audio's
 * clock): frame positions through the stored pts, a fraction of a frame
 * being that fraction of its own duration. Variable frame rates stay
 * aligned with the frame lanes above.
 */
export function viewEdges(view: View, width: number, secondsOf: (i: number) => number, frameCount: number): number[] {
  const edges: number[] = [];
  for (let x = 0; x <= width; x++) {
    const p = Math.min(frameCount, view.start + (x / width) * view.frames);
    const i = Math.min(frameCount - 1, Math.floor(p));
    const t0 = secondsOf(i);
    const t1 = secondsOf(i + 1);
    edges.push(t0 + (p - i) * (t1 - t0));
  }
  return edges;
}

/**
 * The audio view under the timeline: waveform, spectrogram (log frequency,
 * low at the bottom) and each frame's loudness, for the timeline's view,
 * from data the host computes once per file. Click to go to that frame.
 */
export function AudioLanes({ client, player, video, view, width, current }: {
  client: TellframeClient;
  player: PlayerController;
  video: VideoSummary;
  view: View;
  width: number;
  current: number;
}) {
  const [meta, setMeta] = useState<Output<'audio.analyse'>['audio'] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [rms, setRms] = useState<number[]>([]);
  const [data, setData] = useState<{ key: string; view: Output<'audio.view'>; bytes: Uint8Array | null } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  // The view wanted now, and whether a request is out: one at a time, the next one for the newest view.
  const wanted = useRef<{ key: string; edges: number[] } | null>(null);
  const busy = useRef(false);
  // The panel that holds these lanes follows the player, so they render again when the frame index (pts) arrives.
  const ptsReady = player.framePts.length === video.frameCount;

  useEffect(() => {
    let live = true;
    setMeta(undefined);
    setRms([]);
    setData(null);
    if (!video.audio) {
      setMeta(null);
      return;
    }
    client.call('audio.analyse', { id: video.id }).then(
      (r) => {
        if (!live) return;
        setMeta(r.audio);
        if (r.audio) {
          client.call('audio.envelope', { id: video.id }).then(
            (e) => live && setRms(e.rms),
            (err: unknown) => live && setError((err as Error).message),
          );
        }
      },
      (err: unknown) => live && setError((err as Error).message),
    );
    return () => {
      live = false;
    };
  }, [client, video.id, video.audio]);

  const edges = useMemo(() => {
    if (!meta || !ptsReady) return null;
    const n = video.frameCount;
    const secondsOf = (i: number) => (i >= n ? video.duration : player.seconds(i));
    return viewEdges(view, Math.max(1, Math.round(width)), secondsOf, n);
  }, [meta, ptsReady, view, width, video.frameCount, video.duration, player]);
  const key = edges ? `${video.id}:${view.start}:${view.frames}:${Math.round(width)}` : '';

  // While the view changes (a zoom with the wheel) requests do not pile up: one is out at a time, and
  // when it comes back the newest view is asked for next; an answer for a view since changed is not drawn.
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
      wanted.current = null;
    };
  }, []);
  useEffect(() => {
    if (!edges) return;
    wanted.current = { key, edges };
    const next = () => {
      const w = wanted.current;
      if (busy.current || !w || !live.current) return;
      busy.current = true;
      client.call('audio.view', { id: video.id, edges: w.edges, spectrogram: true }).then(
        (v) => {
          busy.current = false;
          if (!live.current) return;
          if (wanted.current?.key === w.key) {
            wanted.current = null;
            setError(null);
            setData({ key: w.key, view: v, bytes: v.spectrogram ? fromBase64(v.spectrogram) : null });
          } else next();
        },
        (err: unknown) => {
          busy.current = false;
          if (!live.current) return;
          if (wanted.current?.key === w.key) {
            wanted.current = null;
            setError((err as Error).message);
          } else next();
        },
      );
    };
    next();
    // `key` names the view the edges are for: a new array for the same view asks nothing again.
  }, [client, key, video.id]);

  const sized = () => {
    const c = canvas.current;
    if (!c || !meta) return null;
    const w = Math.max(1, Math.round(width));
    const h = WAVE_H + SPEC_H + ENV_H;
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    return { ctx: c.getContext('2d')!, w };
  };
  const peak = useMemo(() => rms.reduce((m, v) => Math.max(m, v), 1e-6), [rms]);

  // Waveform and spectrogram: drawn when a view's data arrives (until then the last one stays).
  useEffect(() => {
    const s = sized();
    if (!s || !meta) return;
    const { ctx, w } = s;
    ctx.fillStyle = '#111317';
    ctx.fillRect(0, 0, w, WAVE_H + SPEC_H);
    if (!data) return;
    const { min, max } = data.view;
    // One vertical stroke per pixel from its min to its max.
    ctx.fillStyle = '#7fb3ff';
    const mid = WAVE_H / 2;
    for (let x = 0; x < min.length && x < w; x++) {
      const y0 = mid - max[x]! * (mid - 1);
      const y1 = mid - min[x]! * (mid - 1);
      ctx.fillRect(x, y0, 1, Math.max(1, y1 - y0));
    }
    const bytes = data.bytes;
    if (bytes) {
      const bands = meta.bands;
      const cols = Math.min(w, bytes.length / bands);
      const img = ctx.createImageData(w, SPEC_H);
      const rowBand = Array.from({ length: SPEC_H }, (_, y) => Math.min(bands - 1, Math.floor(((SPEC_H - 1 - y) / SPEC_H) * bands)));
      for (let y = 0; y < SPEC_H; y++) {
        const b = rowBand[y]!;
        for (let x = 0; x < cols; x++) {
          const v = bytes[x * bands + b]! * 3;
          const o = (y * w + x) * 4;
          img.data[o] = RAMP[v]!;
          img.data[o + 1] = RAMP[v + 1]!;
          img.data[o + 2] = RAMP[v + 2]!;
          img.data[o + 3] = 255;
        }
      }
      ctx.putImageData(img, 0, WAVE_H);
    }
    // Sizing the canvas clears it: the loudness row is drawn again below.
  }, [data, meta, width]);

  // Loudness per frame, on the frames' own scale: redrawn with every view (one bar per pixel, the loudest frame in it).
  useEffect(() => {
    const s = sized();
    if (!s || !rms.length) return;
    const { ctx, w } = s;
    const top = WAVE_H + SPEC_H;
    ctx.fillStyle = '#111317';
    ctx.fillRect(0, top, w, ENV_H);
    ctx.fillStyle = '#9ad07a';
    const scale = w / view.frames;
    let x0 = -1;
    let x1 = -1;
    let best = 0;
    const flush = () => {
      if (x0 < 0) return;
      const bar = Math.round((best / peak) * (ENV_H - 2));
      ctx.fillRect(x0, top + ENV_H - bar, Math.max(1, x1 - x0), bar);
    };
    for (let f = Math.max(0, Math.floor(view.start)); f < Math.min(rms.length, view.start + view.frames); f++) {
      const a = Math.floor((f - view.start) * scale);
      const b = Math.max(a + 1, Math.floor((f + 1 - view.start) * scale));
      if (a !== x0) {
        flush();
        x0 = a;
        x1 = b;
        best = rms[f]!;
      } else {
        best = Math.max(best, rms[f]!);
        x1 = b;
      }
    }
    flush();
  }, [rms, peak, view, width, meta, data]);

  if (meta === null) return <div className="audio-lanes muted" data-testid="audio-lanes" data-state="none">No audio.</div>;
  const cursorX = ((current - view.start) / view.frames) * width;
  return (
    <div className="audio-lanes" data-testid="audio-lanes" data-state={error ? 'error' : data ? 'ready' : 'loading'} data-view={data?.key ?? ''}>
      {error ? <span className="error" role="alert">{error}</span> : null}
      {meta === undefined ? <span className="muted">Analysing the audio…</span> : null}
      <div className="audio-canvas" style={{ height: meta ? WAVE_H + SPEC_H + ENV_H : 0 }}>
        <canvas
          ref={canvas}
          data-testid="audio-canvas"
          style={{ width, height: meta ? WAVE_H + SPEC_H + ENV_H : 0 }}
          title={meta ? `waveform · spectrogram ${Math.round(meta.bandLowHz)}–${Math.round(meta.bandHighHz)} Hz (log) · loudness per frame` : undefined}
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            player.goTo(Math.min(video.frameCount - 1, Math.max(0, Math.floor(view.start + ((e.clientX - r.left) / width) * view.frames))));
          }}
        />
        {cursorX >= 0 && cursorX <= width && meta ? <span className="cursor" style={{ left: cursorX }} /> : null}
      </div>
    </div>
  );
}
