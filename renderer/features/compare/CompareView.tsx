import { useEffect, useMemo, useRef, useState } from 'react';
import type { TellframeClient } from '../../../shared/api';
import { differenceImage, suggestOriginal } from '../../../shared/links';
import type { VideoSummary } from '../../../shared/model';
import { FrameLoader, type LoadedFrame } from '../player/frameLoader';
import { useEscape } from '../useEscape';

type Mode = 'side' | 'wipe' | 'difference';

/** Frame `i` of a video drawn at `width`×`height` (scaled when its own size differs), as RGBA. */
function pixelsAt(f: LoadedFrame, width: number, height: number, scratch: HTMLCanvasElement): ImageData {
  if (f.image.width === width && f.image.height === height) return f.image;
  const src = document.createElement('canvas');
  src.width = f.image.width;
  src.height = f.image.height;
  src.getContext('2d')!.putImageData(f.image, 0, 0);
  scratch.width = width;
  scratch.height = height;
  const ctx = scratch.getContext('2d')!;
  // Nearest neighbour: no smoothing invents differences of its own.
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

/**
 * A/B compare: a video beside its original (or any other video of the
 * project), stepping both frame by frame in lock-step with a settable frame
 * offset, side by side, as a wipe, or as their amplified difference, which
 * makes blending seams visible. Keys: ←/→ one frame, Shift ±10, Esc closes.
 */
export function CompareView(props: { client: TellframeClient; video: VideoSummary; videos: VideoSummary[]; start: number; onClose: () => void; onLinked: () => void }) {
  const { client, video } = props;
  const others = props.videos.filter((v) => v.id !== video.id);
  const linked = others.find((v) => v.id === video.originalId) ?? null;
  const guess = linked ? null : suggestOriginal(video, others);
  const [otherId, setOtherId] = useState<number | null>(linked?.id ?? guess?.id ?? others[0]?.id ?? null);
  const other = others.find((v) => v.id === otherId) ?? null;
  const [mode, setMode] = useState<Mode>('side');
  const [frame, setFrame] = useState(props.start);
  const [offset, setOffset] = useState(0);
  const [gain, setGain] = useState(4);
  const [wipe, setWipe] = useState(0.5);
  const [shown, setShown] = useState<{ a: number; b: number | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [linkNote, setLinkNote] = useState<string | null>(null);
  // Small caches beside the player's own: a few frames either way of each side.
  const loaders = useMemo(() => ({ a: new FrameLoader(client, 96 * 1024 * 1024, 4), b: new FrameLoader(client, 96 * 1024 * 1024, 4) }), [client]);
  useEffect(() => () => {
    loaders.a.dispose();
    loaders.b.dispose();
  }, [loaders]);
  const canvasA = useRef<HTMLCanvasElement>(null);
  const canvasB = useRef<HTMLCanvasElement>(null);
  const scratch = useMemo(() => document.createElement('canvas'), []);
  useEscape(props.onClose);

  useEffect(() => loaders.a.setVideo(video.id, video.frameCount, video.width, video.height), [loaders, video]);
  useEffect(() => {
    if (other) loaders.b.setVideo(other.id, other.frameCount, other.width, other.height);
  }, [loaders, other]);

  const bIndex = other ? frame + offset : null;
  const bInRange = bIndex !== null && other !== null && bIndex >= 0 && bIndex < other.frameCount;

  // Both frames, then one draw: the readouts name only frames whose pixels are on screen.
  useEffect(() => {
    let live = true;
    const a = loaders.a.get(frame);
    const b = bInRange ? loaders.b.get(bIndex!) : Promise.resolve(null);
    Promise.all([a, b]).then(
      ([fa, fb]) => {
        if (!live) return;
        const ca = canvasA.current;
        const cb = canvasB.current;
        if (!ca || !cb) return;
        const w = fa.image.width;
        const h = fa.image.height;
        for (const c of [ca, cb]) {
          if (c.width !== w || c.height !== h) {
            c.width = w;
            c.height = h;
          }
        }
        const pa = fa.image;
        const pb = fb ? pixelsAt(fb, w, h, scratch) : null;
        const ctxA = ca.getContext('2d')!;
        const ctxB = cb.getContext('2d')!;
        if (mode === 'difference') {
          // No B frame (outside the other video): nothing to difference, shown black rather than as A.
          if (pb) ctxA.putImageData(new ImageData(differenceImage(pa.data, pb.data, gain, new Uint8ClampedArray(w * h * 4)), w, h), 0, 0);
          else {
            ctxA.fillStyle = '#000';
            ctxA.fillRect(0, 0, w, h);
          }
        } else {
          ctxA.putImageData(pa, 0, 0);
        }
        if (pb) ctxB.putImageData(pb, 0, 0);
        else {
          ctxB.fillStyle = '#000';
          ctxB.fillRect(0, 0, w, h);
        }
        setShown({ a: fa.index, b: fb ? fb.index : null });
        setError(null);
      },
      (err: unknown) => live && setError((err as Error).message),
    );
    loaders.a.prefetch(frame, 1);
    if (bInRange) loaders.b.prefetch(bIndex!, 1);
    return () => {
      live = false;
    };
  }, [loaders, video.id, other?.id, frame, bIndex, bInRange, mode, gain, scratch]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target;
      // Keys edit text and numbers where one is typed; Esc closes (useEscape).
      if ((t instanceof HTMLInputElement && (t.type === 'text' || t.type === 'number')) || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
      if (e.key === 'Escape' || e.key === 'Tab' || e.key === 'Enter' || e.key === ' ') return;
      // Nothing else reaches the player or the label keys underneath while comparing.
      e.stopPropagation();
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      e.preventDefault();
      const step = (e.key === 'ArrowRight' ? 1 : -1) * (e.shiftKey ? 10 : 1);
      setFrame((f) => Math.max(0, Math.min(video.frameCount - 1, f + step)));
    };
    // Capture: the player underneath must not step too.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [video.frameCount]);

  const link = async () => {
    if (!other) return;
    try {
      await client.call('media.link', { id: video.id, originalId: other.id });
      setLinkNote(`Linked: ${name(other)} is the original of ${name(video)}.`);
      props.onLinked();
    } catch (err) {
      setLinkNote((err as Error).message);
    }
  };

  return (
    <div className="overlay compare" role="dialog" aria-modal="true" aria-label="Compare">
      <div className="compare-box">
        <div className="row">
          <b>Compare</b>
          <span>{name(video)}</span>
          <span className="muted">with</span>
          <select aria-label="Compare with" value={otherId ?? ''} onChange={(e) => setOtherId(e.target.value ? Number(e.target.value) : null)}>
            {others.map((v) => (
              <option key={v.id} value={v.id}>
                #{v.id} {name(v)}{v.id === video.originalId ? ' (its original)' : v.id === guess?.id ? ' (original by name)' : ''}
              </option>
            ))}
          </select>
          {other && other.id !== video.originalId ? <button type="button" onClick={() => void link()}>Link as its original</button> : null}
          {linkNote ? <span className="muted" role="status">{linkNote}</span> : null}
        </div>
        <div className="row">
          {(['side', 'wipe', 'difference'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name="compare-mode" checked={mode === m} onChange={() => setMode(m)} /> {m === 'side' ? 'side by side' : m}
            </label>
          ))}
          <label>
            Offset (frames) <input type="number" aria-label="Frame offset" value={offset} onChange={(e) => setOffset(Math.trunc(Number(e.target.value) || 0))} />
          </label>
          {mode === 'difference' ? (
            <label>
              Gain <input type="range" aria-label="Difference gain" min={1} max={32} value={gain} onChange={(e) => setGain(Number(e.target.value))} /> ×{gain}
            </label>
          ) : null}
          {mode === 'wipe' ? (
            <label>
              Wipe <input type="range" aria-label="Wipe position" min={0} max={100} value={Math.round(wipe * 100)} onChange={(e) => setWipe(Number(e.target.value) / 100)} />
            </label>
          ) : null}
          <span className="muted">←/→ step both · Shift ±10 · Esc closes</span>
        </div>
        {error ? <p className="error" role="alert">{error}</p> : null}
        <div className={`compare-stage mode-${mode}`} style={{ ['--wipe' as string]: `${wipe * 100}%` }}>
          <figure>
            <canvas ref={canvasA} data-testid="compare-a" />
            <figcaption>
              {mode === 'difference' ? 'difference ' : ''}A: frame <b data-testid="compare-index-a">{shown?.a ?? '…'}</b>
            </figcaption>
          </figure>
          <figure>
            <canvas ref={canvasB} data-testid="compare-b" />
            <figcaption>
              B: frame <b data-testid="compare-index-b">{shown ? (shown.b ?? '—') : '…'}</b>
              {!bInRange && other ? <span className="muted"> (outside {name(other)})</span> : null}
              {other && (other.width !== video.width || other.height !== video.height) ? (
                <span className="muted" data-testid="compare-scaled"> · scaled from {other.width}×{other.height} to {video.width}×{video.height}</span>
              ) : null}
              {other && !sameRate(other, video) ? <span className="muted"> · another frame rate: lock-step is by frame number</span> : null}
            </figcaption>
          </figure>
        </div>
        <div className="buttons">
          <button type="button" onClick={props.onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}

function sameRate(a: VideoSummary, b: VideoSummary): boolean {
  if (!a.frameRate || !b.frameRate) return Math.abs(a.avgFps - b.avgFps) < 0.01;
  return a.frameRate.num * b.frameRate.den === b.frameRate.num * a.frameRate.den;
}

function name(v: Pick<VideoSummary, 'path'>): string {
  return v.path.split(/[\\/]/).pop() ?? v.path;
}
