import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
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
 * Where each pixel edge of the view falls on the audio clock: frame
 * positions through the stored pts (a fraction of a frame is that fraction
 * of its own duration), plus the offset from frame 0 to the audio's start.
 * Variable frame rates stay aligned with the frame lanes above.
 */
export function viewEdges(view: View, width: number, secondsOf: (i: number) => number, frameCount: number, offset: number): number[] {
  const edges: number[] = [];
  for (let x = 0; x <= width; x++) {
    const p = Math.min(frameCount, view.start + (x / width) * view.frames);
    const i = Math.min(frameCount - 1, Math.floor(p));
    const t0 = secondsOf(i);
    const t1 = secondsOf(i + 1);
    edges.push(t0 + (p - i) * (t1 - t0) + offset);
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
  const [data, setData] = useState<{ key: string; view: Output<'audio.view'> } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const wanted = useRef<string | null>(null);
  // Redraw when the frame index (pts) arrives.
  useSyncExternalStore(player.subscribe, player.getState);
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
        if (r.audio) void client.call('audio.envelope', { id: video.id }).then((e) => live && setRms(e.rms));
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
    return viewEdges(view, Math.max(1, Math.round(width)), secondsOf, n, meta.offset);
  }, [meta, ptsReady, view, width, video.frameCount, video.duration, player]);
  const key = edges ? `${video.id}:${view.start}:${view.frames}:${Math.round(width)}` : '';

  // Always for the newest view: an answer for a view that has since changed is dropped.
  useEffect(() => {
    if (!edges || wanted.current === key) return;
    wanted.current = key;
    client.call('audio.view', { id: video.id, edges, spectrogram: true }).then(
      (v) => {
        if (wanted.current === key) setData({ key, view: v });
      },
      (err: unknown) => {
        if (wanted.current === key) setError((err as Error).message);
      },
    );
  }, [client, edges, key, video.id]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !meta) return;
    const w = Math.max(1, Math.round(width));
    const h = WAVE_H + SPEC_H + ENV_H;
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#111317';
    ctx.fillRect(0, 0, w, h);
    if (data) {
      const { min, max, spectrogram } = data.view;
      // Waveform: one vertical stroke per pixel from its min to its max.
      ctx.fillStyle = '#7fb3ff';
      const mid = WAVE_H / 2;
      for (let x = 0; x < min.length && x < w; x++) {
        const y0 = mid - max[x]! * (mid - 1);
        const y1 = mid - min[x]! * (mid - 1);
        ctx.fillRect(x, y0, 1, Math.max(1, y1 - y0));
      }
      if (spectrogram) {
        const bytes = Uint8Array.from(atob(spectrogram), (ch) => ch.charCodeAt(0));
        const bands = meta.bands;
        const cols = Math.min(w, bytes.length / bands);
        const img = ctx.createImageData(w, SPEC_H);
        for (let x = 0; x < cols; x++) {
          for (let y = 0; y < SPEC_H; y++) {
            const b = Math.min(bands - 1, Math.floor(((SPEC_H - 1 - y) / SPEC_H) * bands));
            const v = bytes[x * bands + b]!;
            const o = (y * w + x) * 4;
            img.data[o] = RAMP[v * 3]!;
            img.data[o + 1] = RAMP[v * 3 + 1]!;
            img.data[o + 2] = RAMP[v * 3 + 2]!;
            img.data[o + 3] = 255;
          }
        }
        ctx.putImageData(img, 0, WAVE_H);
      }
    }
    // Loudness per frame, on the frames' own scale.
    if (rms.length) {
      ctx.fillStyle = '#9ad07a';
      const top = WAVE_H + SPEC_H;
      const peak = Math.max(1e-6, ...rms);
      const scale = w / view.frames;
      for (let f = Math.max(0, Math.floor(view.start)); f < Math.min(rms.length, view.start + view.frames); f++) {
        const x0 = Math.floor((f - view.start) * scale);
        const x1 = Math.max(x0 + 1, Math.floor((f + 1 - view.start) * scale));
        const bar = Math.round((rms[f]! / peak) * (ENV_H - 2));
        ctx.fillRect(x0, top + ENV_H - bar, x1 - x0, bar);
      }
    }
  }, [data, meta, rms, view, width]);

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
