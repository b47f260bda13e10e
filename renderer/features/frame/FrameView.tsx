import { useEffect, useRef, useState } from 'react';
import type { VideoSummary } from '../../../shared/model';
import { formatRational } from '../../../shared/time';
import type { Store } from '../../state/store';

/**
 * Shows exactly one decoded frame (pixels from ffmpeg via the host's frame
 * URL, never from a <video> element) drawn to a canvas at full resolution.
 */
export function FrameView({ store, video, frame }: { store: Store; video: VideoSummary; frame: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [pts, setPts] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const img = new Image();
    img.onload = () => {
      if (!live || !canvas.current) return;
      const c = canvas.current;
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      c.getContext('2d')!.drawImage(img, 0, 0);
      setShown(frame);
      setError(null);
    };
    img.onerror = () => live && setError(`Frame ${frame} could not be decoded.`);
    img.src = store.client.frameUrl(video.id, frame);
    void store.client.call('media.frames', { id: video.id, from: frame, count: 1 }).then((f) => live && setPts(f[0]?.pts ?? null));
    return () => {
      live = false;
    };
  }, [store, video.id, frame]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement) return;
      const big = e.shiftKey ? 10 : 1;
      if (e.key === 'ArrowRight' || e.key === '.') store.step(big);
      else if (e.key === 'ArrowLeft' || e.key === ',') store.step(-big);
      else if (e.key === 'Home') store.goTo(0);
      else if (e.key === 'End') store.goTo(video.frameCount - 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, video.frameCount]);

  return (
    <section className="viewer" aria-label="Frame viewer">
      <canvas ref={canvas} data-frame={shown ?? ''} aria-label={`Frame ${frame}`} />
      <div className="controls">
        <button type="button" onClick={() => store.step(-1)} aria-label="Previous frame">◀</button>
        <button type="button" onClick={() => store.step(1)} aria-label="Next frame">▶</button>
        <label>
          Frame{' '}
          <input
            type="number"
            min={0}
            max={video.frameCount - 1}
            value={frame}
            aria-label="Frame index"
            onChange={(e) => store.goTo(Number(e.target.value))}
          />
        </label>
        <output aria-label="Frame position">
          {frame} / {video.frameCount - 1}
        </output>
        <output aria-label="Presentation timestamp">pts {pts ?? '…'} ({formatRational(video.timeBase)})</output>
        {error ? <span className="error" role="alert">{error}</span> : null}
      </div>
    </section>
  );
}
