import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Annotation } from '../../../shared/annotations';
import type { Label } from '../../../shared/model';

export const LANE_HEIGHT = 14;
const EDGE_PX = 4;
const MIN_VIEW_FRAMES = 10;

interface View {
  start: number;
  frames: number;
}

type Drag = { id: string; mode: 'move' | 'start' | 'end'; x0: number; start: number; end: number; moved: boolean } | { id: null; x0: number; moved: boolean };

/** The frame under x pixels, snapped to whole frames. */
export function frameAtX(x: number, width: number, view: View): number {
  return Math.floor(view.start + (x / width) * view.frames);
}

/**
 * Draw the lanes: per label, every annotation's span in the visible frame
 * range. Spans narrower than a pixel are gathered into per-pixel columns, so
 * the cost is one pass over the annotations plus one rectangle per column
 * and lit run, whatever their number (100k segments stay cheap).
 */
export function drawLanes(ctx: CanvasRenderingContext2D, width: number, lanes: Label[], byLabel: Map<string, Annotation[]>, view: View, override: Map<string, [number, number]>): void {
  ctx.clearRect(0, 0, width, lanes.length * LANE_HEIGHT);
  const scale = width / view.frames;
  lanes.forEach((l, i) => {
    const y = i * LANE_HEIGHT;
    ctx.fillStyle = i % 2 ? '#1b1b1b' : '#202020';
    ctx.fillRect(0, y, width, LANE_HEIGHT - 1);
    ctx.fillStyle = l.color;
    const thin = new Uint8Array(Math.ceil(width) + 1);
    for (const a of byLabel.get(l.id) ?? []) {
      const [s, e] = override.get(a.id) ?? [a.startFrame, a.endFrame];
      if (e < view.start || s >= view.start + view.frames) continue;
      const x0 = (s - view.start) * scale;
      const x1 = (e + 1 - view.start) * scale;
      const top = a.kind === 'region_track' ? y + 4 : a.kind === 'frame_tag' ? y : y + 2;
      const h = a.kind === 'region_track' ? 6 : a.kind === 'frame_tag' ? LANE_HEIGHT - 1 : 10;
      if (x1 - x0 < 1.5) thin[Math.max(0, Math.min(thin.length - 1, Math.floor(x0)))] = 1;
      else ctx.fillRect(Math.max(0, x0), top, Math.min(width, x1) - Math.max(0, x0), h);
    }
    for (let x = 0; x < thin.length; x++) {
      if (!thin[x]) continue;
      let run = 1;
      while (thin[x + run]) run++;
      ctx.fillRect(x, y, Math.max(2, run), LANE_HEIGHT - 1);
      x += run;
    }
    ctx.fillStyle = '#ffffffcc';
    ctx.font = '10px sans-serif';
    ctx.fillText(l.name, 3, y + 10);
  });
}

/**
 * The timeline under the player: one lane per label, zoomable from the
 * whole video down to single frames (Ctrl + wheel, or the buttons), panned
 * with the wheel; click to jump, drag a segment or frame tag to move it and
 * a segment's edge to resize it, snapping to frames.
 */
export function Timeline({ annotations, labels, frameCount, current, onSeek, onChange }: {
  annotations: Annotation[];
  labels: Label[];
  frameCount: number;
  current: number;
  onSeek: (frame: number) => void;
  onChange: (id: string, startFrame: number, endFrame: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(600);
  const [view, setView] = useState<View>({ start: 0, frames: frameCount });
  const [drag, setDrag] = useState<Drag | null>(null);
  const [preview, setPreview] = useState<Map<string, [number, number]>>(new Map());

  const lanes = labels.filter((l) => !l.retired || annotations.some((a) => a.label === l.id));
  const byLabel = new Map<string, Annotation[]>();
  for (const a of annotations) {
    if (!a.label) continue;
    const list = byLabel.get(a.label) ?? [];
    list.push(a);
    byLabel.set(a.label, list);
  }

  useEffect(() => setView({ start: 0, frames: frameCount }), [frameCount]);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(100, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // Keep the frame on screen in view while stepping or playing.
  useEffect(() => {
    setView((v) => (current < v.start || current >= v.start + v.frames ? { ...v, start: clampStart(current - Math.floor(v.frames / 2), v.frames, frameCount) } : v));
  }, [current, frameCount]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    c.height = Math.round(lanes.length * LANE_HEIGHT * dpr);
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawLanes(ctx, width, lanes, byLabel, view, preview);
    // byLabel and lanes derive from annotations and labels.
  }, [annotations, labels, view, width, preview]);

  const zoom = (factor: number, anchor = current) => {
    setView((v) => {
      const frames = Math.round(Math.min(frameCount, Math.max(MIN_VIEW_FRAMES, v.frames * factor)));
      const rel = (anchor - v.start) / v.frames;
      return { frames, start: clampStart(Math.round(anchor - rel * frames), frames, frameCount) };
    });
  };

  /** The annotation under a point: the lane by y, then the span by frame, edges within a few pixels. */
  const hit = (x: number, y: number): { a: Annotation; mode: 'move' | 'start' | 'end' } | null => {
    const lane = lanes[Math.floor(y / LANE_HEIGHT)];
    if (!lane) return null;
    const scale = width / view.frames;
    for (const a of byLabel.get(lane.id) ?? []) {
      const x0 = (a.startFrame - view.start) * scale;
      const x1 = (a.endFrame + 1 - view.start) * scale;
      if (x < x0 - EDGE_PX || x > x1 + EDGE_PX) continue;
      if (a.kind === 'segment' && x1 - x0 > 3 * EDGE_PX) {
        if (Math.abs(x - x0) <= EDGE_PX) return { a, mode: 'start' };
        if (Math.abs(x - x1) <= EDGE_PX) return { a, mode: 'end' };
      }
      return { a, mode: 'move' };
    }
    return null;
  };
  const local = (e: React.PointerEvent | React.WheelEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const cursorX = ((current - view.start) / view.frames) * width;
  return (
    <div className="timeline" ref={box} data-testid="timeline" data-view-start={view.start} data-view-frames={view.frames}>
      <div className="timeline-bar">
        <button type="button" onClick={() => zoom(0.5)} title="Zoom in (Ctrl + wheel)">+</button>
        <button type="button" onClick={() => zoom(2)} title="Zoom out">−</button>
        <button type="button" onClick={() => setView({ start: 0, frames: frameCount })} title="Whole video">whole</button>
        <span className="muted">frames {view.start}–{Math.min(frameCount, view.start + view.frames) - 1}</span>
      </div>
      <div className="lanes" style={{ height: lanes.length * LANE_HEIGHT }}>
        <canvas
          ref={canvas}
          data-testid="timeline-canvas"
          style={{ width, height: lanes.length * LANE_HEIGHT }}
          onWheel={(e) => {
            if (e.ctrlKey) {
              e.preventDefault();
              zoom(e.deltaY < 0 ? 0.8 : 1.25, frameAtX(local(e).x, width, view));
            } else {
              const d = (e.deltaX || e.deltaY) / width * view.frames;
              setView((v) => ({ ...v, start: clampStart(Math.round(v.start + d), v.frames, frameCount) }));
            }
          }}
          onPointerDown={(e) => {
            const { x, y } = local(e);
            (e.target as Element).setPointerCapture?.(e.pointerId);
            const h = hit(x, y);
            setDrag(h && h.a.kind !== 'region_track' ? { id: h.a.id, mode: h.mode, x0: x, start: h.a.startFrame, end: h.a.endFrame, moved: false } : { id: null, x0: x, moved: false });
          }}
          onPointerMove={(e) => {
            const { x, y } = local(e);
            if (!drag) {
              const h = hit(x, y);
              canvas.current!.style.cursor = h && h.mode !== 'move' ? 'ew-resize' : h ? 'grab' : 'pointer';
              return;
            }
            if (Math.abs(x - drag.x0) < 3 && !drag.moved) return;
            if (!drag.id) return setDrag({ ...drag, moved: true });
            const df = Math.round(((x - drag.x0) / width) * view.frames);
            let s = drag.start;
            let en = drag.end;
            if (drag.mode === 'move') {
              const shift = Math.max(-s, Math.min(frameCount - 1 - en, df));
              s += shift;
              en += shift;
            } else if (drag.mode === 'start') s = Math.max(0, Math.min(en, s + df));
            else en = Math.min(frameCount - 1, Math.max(s, en + df));
            setDrag({ ...drag, moved: true });
            setPreview(new Map([[drag.id, [s, en]]]));
          }}
          onPointerUp={(e) => {
            const d = drag;
            setDrag(null);
            if (!d) return;
            const moved = d.id ? preview.get(d.id) : undefined;
            setPreview(new Map());
            if (d.id && d.moved && moved) {
              if (moved[0] !== d.start || moved[1] !== d.end) onChange(d.id, moved[0], moved[1]);
              return;
            }
            if (!d.moved) {
              const h = d.id ? annotations.find((a) => a.id === d.id) : null;
              onSeek(h ? h.startFrame : Math.min(frameCount - 1, Math.max(0, frameAtX(local(e).x, width, view))));
            }
          }}
        />
        {cursorX >= 0 && cursorX <= width ? <span className="cursor" style={{ left: cursorX }} /> : null}
      </div>
    </div>
  );
}

function clampStart(start: number, frames: number, frameCount: number): number {
  return Math.max(0, Math.min(frameCount - frames, start));
}
