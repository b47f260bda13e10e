import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { formatRational, formatSeconds, formatTimecode } from '../../../shared/time';
import { SPEEDS, type PlayerController } from './controller';
import { HelpOverlay } from './HelpOverlay';
import { shownSize, turnedStage } from './turn';

/**
 * The frame-exact player: pixels decoded by ffmpeg (via the host's frame
 * server) drawn to a canvas at full resolution. Test hooks (keep stable):
 * data-testid="frame-canvas" and data-testid="frame-index", whose text
 * changes only after that frame's pixels are on the canvas.
 */
export function Player({ player, overlay }: { player: PlayerController; overlay?: React.ReactNode }) {
  const s = useSyncExternalStore(player.subscribe, player.getState);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewRef = useRef<HTMLDivElement>(null);
  const [help, setHelp] = useState(false);
  const [goTo, setGoTo] = useState<string | null>(null);
  const [goToError, setGoToError] = useState<string | null>(null);
  // The view's size, for fitting a quarter-turned picture.
  const [viewSize, setViewSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = viewRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const audioRef = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    player.attach(canvasRef.current);
    player.attachAudio(audioRef.current);
    return () => {
      player.attach(null);
      player.attachAudio(null);
    };
  }, [player]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
      const big = e.shiftKey ? 10 : 1;
      switch (e.key) {
        case 'ArrowRight':
        case '.':
        case '>':
          player.step(big);
          break;
        case 'ArrowLeft':
        case ',':
        case '<':
          player.step(-big);
          break;
        case 'Home':
          player.goTo(0);
          break;
        case 'End':
          player.goTo((player.getState().video?.frameCount ?? 1) - 1);
          break;
        case ' ':
          player.toggle();
          break;
        case 'j':
        case 'k':
        case 'l':
          player.shuttle(e.key);
          break;
        case 'g':
        case 'G':
          setGoTo('');
          setGoToError(null);
          break;
        case '?':
          setHelp((h) => !h);
          break;
        case 'm':
        case 'M':
          player.toggleMute();
          break;
        case '+':
        case '=':
          player.zoomStep('in', fitScale());
          break;
        case '-':
          player.zoomStep('out', fitScale());
          break;
        case '0':
          player.zoomStep('fit');
          break;
        case 'Escape':
          setHelp(false);
          setGoTo(null);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    const fitScale = () => {
      const c = canvasRef.current;
      const v = viewRef.current;
      if (!c || !v || !c.width) return 1;
      const shown = shownSize(player.getState().video?.displayRotation ?? 0, c.width, c.height);
      return Math.min(v.clientWidth / shown.width, v.clientHeight / shown.height);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [player]);

  // Drag to pan when zoomed in (the view scrolls).
  const drag = useRef<{ x: number; y: number; left: number; top: number } | null>(null);
  const v = s.video;
  const shown = s.shown;
  const seconds = shown !== null ? player.seconds(shown) : null;
  const zoomed = s.zoom !== null;
  // The stage holds the canvas and anything drawn over it in image pixels (region tracks).
  // A video tagged to be shown turned is turned here, and only here (turn.ts).
  const turned = v ? turnedStage(v.displayRotation, s.zoom, v.width, v.height, viewSize) : null;
  const stageStyle: React.CSSProperties = turned ? turned.stage : zoomed ? { width: (v?.width ?? 0) * s.zoom!, height: (v?.height ?? 0) * s.zoom! } : {};
  const canvasStyle: React.CSSProperties = zoomed ? { imageRendering: s.zoom! > 1 ? 'pixelated' : 'auto' } : {};

  return (
    <section className="player" aria-label="Player">
      <div
        ref={viewRef}
        className={zoomed ? 'view zoomed' : 'view'}
        onPointerDown={(e) => {
          if (!zoomed || !viewRef.current) return;
          drag.current = { x: e.clientX, y: e.clientY, left: viewRef.current.scrollLeft, top: viewRef.current.scrollTop };
          (e.target as Element).setPointerCapture?.(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d || !viewRef.current) return;
          viewRef.current.scrollLeft = d.left - (e.clientX - d.x);
          viewRef.current.scrollTop = d.top - (e.clientY - d.y);
        }}
        onPointerUp={() => (drag.current = null)}
        onWheel={(e) => {
          if (!e.ctrlKey) return;
          e.preventDefault();
          player.setZoom((s.zoom ?? 1) * (e.deltaY < 0 ? 1.25 : 0.8));
        }}
      >
        {/* Always the same elements (the player draws into this canvas): the box around the stage has no box of its own unless a zoomed quarter turn needs one. */}
        <div className="turn" style={turned?.outer ?? { display: 'contents' }}>
          <div className="stage" style={stageStyle} data-rotation={v?.displayRotation ?? 0}>
            <canvas ref={canvasRef} data-testid="frame-canvas" style={canvasStyle} aria-label={shown !== null ? `Frame ${shown}` : 'No frame yet'} />
            {overlay}
          </div>
        </div>
        {s.shown !== s.requested ? <div className="loading" aria-live="polite">Decoding frame {s.requested}…</div> : null}
      </div>
      <div className="readout" aria-label="Position">
        <span>
          Frame <b data-testid="frame-index">{shown ?? ''}</b>
          {v ? <span className="muted"> / {v.frameCount - 1}</span> : null}
        </span>
        {shown !== null && player.isKey(shown) ? <span className="key" title="Key frame">K</span> : null}
        <span title="Seconds from frame 0, from the stored pts">{seconds !== null ? formatSeconds(seconds) : '—'}</span>
        <span title="SMPTE timecode at the nominal rate (a label)">
          {seconds !== null && v?.frameRate ? formatTimecode(seconds, v.frameRate) : '—'}
        </span>
        <span className="muted" data-testid="frame-pts">
          pts {s.shownPts ?? '—'} × {v ? formatRational(v.timeBase) : ''}
        </span>
        {s.error ? <span className="error" role="alert">{s.error}</span> : null}
      </div>
      <div className="controls">
        <button type="button" onClick={() => player.step(-1)} aria-label="Previous frame" title="Previous frame (←)">−1</button>
        <button type="button" onClick={() => player.toggle()} aria-label={s.playing ? 'Pause' : 'Play'} title="Play/pause (Space)">
          {s.playing ? '❚❚' : '▶'}
        </button>
        <button type="button" onClick={() => player.step(1)} aria-label="Next frame" title="Next frame (→)">+1</button>
        <label>
          Speed{' '}
          <select
            aria-label="Speed"
            value={String(Math.abs(s.rate))}
            onChange={(e) => player.setRate(Number(e.target.value) * (s.rate < 0 ? -1 : 1))}
          >
            {SPEEDS.map((x) => (
              <option key={x} value={String(x)}>
                {x}×
              </option>
            ))}
          </select>
        </label>
        <label>
          Loop{' '}
          <input
            aria-label="Loop from frame"
            type="number"
            min={0}
            placeholder="in"
            value={s.loopIn ?? ''}
            onChange={(e) => player.setLoop(e.target.value === '' ? null : Number(e.target.value), s.loopOut)}
          />
          –
          <input
            aria-label="Loop to frame"
            type="number"
            min={0}
            placeholder="out"
            value={s.loopOut ?? ''}
            onChange={(e) => player.setLoop(s.loopIn, e.target.value === '' ? null : Number(e.target.value))}
          />
        </label>
        <button type="button" onClick={() => player.toggleMute()} disabled={!s.hasAudio} aria-pressed={s.muted} title={s.hasAudio ? 'Mute (M)' : 'No audio'}>
          {s.hasAudio ? (s.muted ? 'Unmute' : 'Mute') : 'No audio'}
        </button>
        <audio ref={audioRef} data-testid="player-audio" hidden />
        <button type="button" onClick={() => player.setZoom(null)} aria-pressed={!zoomed} title="Fit (0)">Fit</button>
        <button type="button" onClick={() => player.setZoom(1)} aria-pressed={s.zoom === 1} title="Actual pixels">1:1</button>
        <button type="button" onClick={() => { setGoTo(''); setGoToError(null); }} title="Go to frame or time (G)">Go to…</button>
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">?</button>
      </div>
      {goTo !== null ? (
        <form
          className="goto"
          role="dialog"
          aria-label="Go to frame or time"
          onSubmit={(e) => {
            e.preventDefault();
            const err = player.goToInput(goTo);
            if (err) setGoToError(err);
            else setGoTo(null);
          }}
        >
          <input
            autoFocus
            aria-label="Frame or time"
            placeholder="frame (e.g. 120) or time (12.5s, 00:01:02.5)"
            value={goTo}
            onChange={(e) => setGoTo(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setGoTo(null)}
          />
          <button type="submit">Go</button>
          {goToError ? <span className="error" role="alert">{goToError}</span> : null}
        </form>
      ) : null}
      {help ? <HelpOverlay onClose={() => setHelp(false)} /> : null}
    </section>
  );
}
