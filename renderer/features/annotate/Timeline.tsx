import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Annotation } from '../../../shared/annotations';
import type { Label } from '../../../shared/model';

export const LANE_HEIGHT = 14;
const EDGE_PX = 4;
const MIN_VIEW_FRAMES = 10;

/** The frames the timeline shows: `frames` of them from `start`. */
export interface View {
  start: number;
  frames: number;
}

type Drag = { id: string; mode: 'move' | 'start' | 'end'; x0: number; start: number; end: number; moved: boolean } | { id: null; x0: number; moved: boolean };

/** The frame under x pixels, snapped to whole frames. */
export function frameAtX(x: number, width: number, view: View): number {
  return Math.floor(view.start + (x / width) * view.frames);
}

/** Above this many spans in view, a lane is drawn as covered pixel runs rather than one rectangle each. */
const MAX_SINGLE = 2000;

const KINDS = ['segment', 'frame_tag', 'region_track'] as const;
/** Top offset and height in the lane, by kind (index into KINDS). */
const KIND_ROW: [number, number][] = [[2, 10], [0, LANE_HEIGHT - 1], [4, 6]];

/** One label's annotations in typed arrays, in start order: the drawing loop touches no objects. */
export interface LaneData {
  label: Label;
  ids: string[];
  starts: Int32Array;
  ends: Int32Array;
  kinds: Uint8Array;
  /** The longest span, so a view can skip everything that starts too early to reach it. */
  maxLen: number;
}

export function laneData(labels: Label[], annotations: Annotation[]): LaneData[] {
  const byLabel = new Map<string, Annotation[]>();
  for (const a of annotations) {
    if (!a.label) continue;
    const list = byLabel.get(a.label) ?? [];
    list.push(a);
    byLabel.set(a.label, list);
  }
  return labels
    .filter((l) => !l.retired || byLabel.has(l.id))
    .map((label) => {
      const list = [...(byLabel.get(label.id) ?? [])].sort((x, y) => x.startFrame - y.startFrame);
      const d: LaneData = {
        label, ids: list.map((x) => x.id), starts: new Int32Array(list.length), ends: new Int32Array(list.length), kinds: new Uint8Array(list.length), maxLen: 0,
      };
      list.forEach((x, i) => {
        d.starts[i] = x.startFrame;
        d.ends[i] = x.endFrame;
        d.kinds[i] = Math.max(0, KINDS.indexOf(x.kind as (typeof KINDS)[number]));
        d.maxLen = Math.max(d.maxLen, x.endFrame - x.startFrame + 1);
      });
      return d;
    });
}

/** First index whose start is at least `f` (binary search over the sorted starts). */
function firstFrom(starts: Int32Array, f: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < f) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Draw the lanes: per label, the spans in the visible frame range (found by
 * binary search on the sorted starts), one rectangle each while few are in
 * view; with many, the covered pixels per kind (a difference array over the
 * width, then one rectangle per run), so a redraw costs one pass over what
 * is in view plus the width, however many annotations there are.
 */
export function drawLanes(ctx: CanvasRenderingContext2D, width: number, lanes: LaneData[], view: View, override: Map<string, [number, number]>): void {
  ctx.clearRect(0, 0, width, lanes.length * LANE_HEIGHT);
  const scale = width / view.frames;
  const w = Math.ceil(width);
  const viewEnd = view.start + view.frames;
  const diffs = KINDS.map(() => new Int32Array(w + 2));
  lanes.forEach((d, i) => {
    const y = i * LANE_HEIGHT;
    ctx.fillStyle = i % 2 ? '#1b1b1b' : '#202020';
    ctx.fillRect(0, y, width, LANE_HEIGHT - 1);
    ctx.fillStyle = d.label.color;
    const from = firstFrom(d.starts, view.start - d.maxLen);
    const to = firstFrom(d.starts, viewEnd);
    // Spans being dragged are drawn where they are dragged to.
    const moved = override.size ? d.ids.map((id) => override.get(id)) : null;
    const single = to - from <= MAX_SINGLE;
    if (!single) for (const diff of diffs) diff.fill(0);
    const seen = [false, false, false];
    const put = (k: number, s: number, e: number) => {
      if (e < view.start || s >= viewEnd) return;
      const x0 = (s - view.start) * scale;
      const x1 = (e + 1 - view.start) * scale;
      if (single) {
        const [top, h] = KIND_ROW[k]!;
        const left = Math.max(0, x0);
        ctx.fillRect(left, y + top, Math.max(2, Math.min(width, x1) - left), h);
      } else {
        const a = Math.max(0, Math.min(w, Math.floor(x0)));
        const b = Math.max(a + 1, Math.min(w + 1, Math.ceil(x1)));
        diffs[k]![a]!++;
        diffs[k]![b]!--;
        seen[k] = true;
      }
    };
    for (let j = from; j < to; j++) if (!moved?.[j]) put(d.kinds[j]!, d.starts[j]!, d.ends[j]!);
    if (moved) moved.forEach((m, j) => m && put(d.kinds[j]!, m[0], m[1]));
    if (!single) {
      diffs.forEach((diff, k) => {
        if (!seen[k]) return;
        const [top, h] = KIND_ROW[k]!;
        let depth = 0;
        let runStart = -1;
        for (let x = 0; x <= w; x++) {
          depth += diff[x]!;
          if (depth > 0 && runStart < 0) runStart = x;
          else if (depth <= 0 && runStart >= 0) {
            ctx.fillRect(runStart, y + top, Math.max(2, x - runStart), h);
            runStart = -1;
          }
        }
        if (runStart >= 0) ctx.fillRect(runStart, y + top, Math.max(2, w + 1 - runStart), h);
      });
    }
    ctx.fillStyle = '#ffffffcc';
    ctx.font = '10px sans-serif';
    ctx.fillText(d.label.name, 3, y + 10);
  });
}

/** The colour of key frame marks (as the readout's K). */
export const KEYFRAME_COLOUR = '#f5c542';

/**
 * Key frames in view as short marks along the top edge (the media forensics
 * of where the encoder put them): found by binary search, one mark per pixel.
 */
export function drawKeyframes(ctx: CanvasRenderingContext2D, width: number, keyframes: Int32Array, view: View): void {
  let lo = 0;
  let hi = keyframes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyframes[mid]! < view.start) lo = mid + 1;
    else hi = mid;
  }
  const scale = width / view.frames;
  ctx.fillStyle = KEYFRAME_COLOUR;
  let last = -1;
  for (let i = lo; i < keyframes.length && keyframes[i]! < view.start + view.frames; i++) {
    const x = Math.floor((keyframes[i]! - view.start) * scale);
    if (x === last) continue;
    last = x;
    ctx.fillRect(x, 0, Math.max(1, Math.min(3, scale)), 3);
  }
}

/**
 * The timeline under the player: one lane per label, zoomable from the
 * whole video down to single frames (Ctrl + wheel, or the buttons), panned
 * with the wheel; click to jump, drag a segment or frame tag to move it and
 * a segment's edge to resize it, snapping to frames.
 */
export function Timeline({ annotations, labels, frameCount, current, onSeek, onChange, keyframes, children }: {
  annotations: Annotation[];
  /** More lanes under the labels' (the audio view), drawn for the same view and width. */
  children?: (view: View, width: number) => ReactNode;
  /** The video's key frames, marked along the top edge. */
  keyframes?: Int32Array;
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

  // Laid out once per change of the data, not on every step of the cursor.
  const lanes = useMemo(() => laneData(labels, annotations), [annotations, labels]);
  const byId = useMemo(() => new Map(annotations.map((a) => [a.id, a])), [annotations]);

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
    drawLanes(ctx, width, lanes, view, preview);
    if (keyframes?.length) drawKeyframes(ctx, width, keyframes, view);
  }, [lanes, view, width, preview, keyframes]);

  const zoom = (factor: number, anchor = current) => {
    setView((v) => {
      const frames = Math.round(Math.min(frameCount, Math.max(MIN_VIEW_FRAMES, v.frames * factor)));
      const rel = (anchor - v.start) / v.frames;
      return { frames, start: clampStart(Math.round(anchor - rel * frames), frames, frameCount) };
    });
  };

  /** The annotation under a point: the lane by y, then the span by frame, edges within a few pixels. */
  const hit = (x: number, y: number): { a: Annotation; mode: 'move' | 'start' | 'end' } | null => {
    const d = lanes[Math.floor(y / LANE_HEIGHT)];
    if (!d) return null;
    const scale = width / view.frames;
    const f = frameAtX(x, width, view);
    const slack = Math.ceil(EDGE_PX / scale) + 1;
    // The topmost (last drawn) span under the pointer wins.
    for (let j = firstFrom(d.starts, f + slack) - 1; j >= 0 && d.starts[j]! >= f - d.maxLen - slack; j--) {
      const x0 = (d.starts[j]! - view.start) * scale;
      const x1 = (d.ends[j]! + 1 - view.start) * scale;
      if (x < x0 - EDGE_PX || x > x1 + EDGE_PX) continue;
      const a = byId.get(d.ids[j]!)!;
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
              const h = d.id ? byId.get(d.id) : null;
              onSeek(h ? h.startFrame : Math.min(frameCount - 1, Math.max(0, frameAtX(local(e).x, width, view))));
            }
          }}
        />
        {cursorX >= 0 && cursorX <= width ? <span className="cursor" style={{ left: cursorX }} /> : null}
      </div>
      {children?.(view, width)}
    </div>
  );
}

function clampStart(start: number, frames: number, frameCount: number): number {
  return Math.max(0, Math.min(frameCount - frames, start));
}
