import { useRef, useState, useSyncExternalStore } from 'react';
import { shapeAt, type Point, type ShapeAt } from '../../../shared/annotations';
import type { PlayerController } from '../player/controller';
import type { AnnotateModel } from './model';

/** Box corners as [top-left, bottom-right], whatever way they were dragged. */
function boxOf(points: Point[]): { x: number; y: number; w: number; h: number } {
  const [a, b] = [points[0]!, points[1] ?? points[0]!];
  return { x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]), w: Math.abs(b[0] - a[0]), h: Math.abs(b[1] - a[1]) };
}

function normalBox(points: Point[]): Point[] {
  const b = boxOf(points);
  return [[b.x, b.y], [b.x + b.w, b.y + b.h]];
}

/** A region drawn in image pixels (inside an SVG whose viewBox is the picture); dashed where interpolated. */
export function Shape({ s, color, dashed, testId }: { s: { shape: ShapeAt['shape']; points: Point[] }; color: string; dashed: boolean; testId?: string }) {
  const common = { stroke: color, strokeWidth: 2, vectorEffect: 'non-scaling-stroke' as const, fill: `${color}22`, strokeDasharray: dashed ? '6 4' : undefined, 'data-shape': s.shape };
  if (s.shape === 'box') {
    const b = boxOf(s.points);
    return <rect data-testid={testId} x={b.x} y={b.y} width={b.w} height={b.h} {...common} />;
  }
  if (s.shape === 'point') return <circle data-testid={testId} cx={s.points[0]![0]} cy={s.points[0]![1]} r={4} {...common} />;
  return <polygon data-testid={testId} points={s.points.map((p) => p.join(',')).join(' ')} {...common} />;
}

/**
 * Region tracks drawn over the frame in image pixels (an SVG with the
 * frame's own size as its viewBox, laid over the canvas, so zoom and fit
 * carry over): each track's shape at the frame on screen — solid on a
 * keyframe, dashed where interpolated — the shape being drawn, and handles
 * on the selected track that set a keyframe at this frame when dragged.
 */
export function RegionOverlay({ model, player }: { model: AnnotateModel; player: PlayerController }) {
  const s = useSyncExternalStore(model.subscribe, model.getState);
  const p = useSyncExternalStore(player.subscribe, player.getState);
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ index: number; points: Point[] } | null>(null);
  const v = p.video;
  if (!v || p.shown === null) return null;
  const frame = p.shown;
  const w = v.width;
  const h = v.height;

  const toImage = (e: React.PointerEvent): Point => {
    const el = svg.current!;
    const pt = el.createSVGPoint();
    pt.x = e.clientX;
    pt.y = e.clientY;
    const q = pt.matrixTransform(el.getScreenCTM()!.inverse());
    const round = (x: number, max: number) => Math.round(Math.min(max, Math.max(0, x)) * 10) / 10;
    return [round(q.x, w), round(q.y, h)];
  };

  const tracks = s.annotations.filter((a) => a.kind === 'region_track' && a.keyframes);
  const colour = (label: string | null) => s.labels.find((l) => l.id === label)?.color ?? '#ffffff';
  const selected = model.selectedTrack();
  const selectedAt = selected?.keyframes ? shapeAt(selected.keyframes, frame) : null;
  const handlePoints = drag?.points ?? selectedAt?.points ?? null;
  // Handles keep about 10 screen pixels whatever the zoom.
  const hs = 10 / (svg.current?.getScreenCTM()?.a || 1);

  return (
    <svg
      ref={svg}
      className={s.tool ? 'regions drawing' : 'regions'}
      data-testid="region-overlay"
      viewBox={`0 0 ${w} ${h}`}
      preserveAspectRatio="xMidYMid meet"
      onPointerDown={(e) => {
        if (!s.tool) return;
        e.stopPropagation();
        const at = toImage(e);
        if (s.tool === 'box') {
          (e.target as Element).setPointerCapture?.(e.pointerId);
          model.setDraft({ shape: 'box', points: [at, at], closed: false });
        } else if (s.tool === 'point') {
          model.setDraft({ shape: 'point', points: [at], closed: true });
        } else {
          const d = s.draft && !s.draft.closed ? s.draft : { shape: 'polygon' as const, points: [], closed: false };
          model.setDraft({ ...d, points: [...d.points, at] });
        }
      }}
      onPointerMove={(e) => {
        if (drag) {
          const pts = drag.points.map((q, i) => (i === drag.index ? toImage(e) : q));
          setDrag({ ...drag, points: pts });
          return;
        }
        if (s.tool === 'box' && s.draft && !s.draft.closed) model.setDraft({ ...s.draft, points: [s.draft.points[0]!, toImage(e)] });
      }}
      onPointerUp={() => {
        if (drag) {
          const pts = selectedAt?.shape === 'box' ? normalBox(drag.points) : drag.points;
          setDrag(null);
          void model.setKeyframe(frame, pts, selectedAt?.shape);
          return;
        }
        if (s.tool === 'box' && s.draft && !s.draft.closed) {
          const b = boxOf(s.draft.points);
          model.setDraft(b.w >= 2 && b.h >= 2 ? { shape: 'box', points: normalBox(s.draft.points), closed: true } : null);
        }
      }}
    >
      {s.tool ? <rect className="capture" x={0} y={0} width={w} height={h} fill="transparent" /> : null}
      {tracks.map((t) => {
        const at = shapeAt(t.keyframes!, frame);
        if (!at) return null;
        const shown = t.id === selected?.id && drag ? { shape: at.shape, points: drag.points } : at;
        return (
          <g
            key={t.id}
            data-track={t.id}
            data-keyframe={at.keyframe ? 'yes' : 'no'}
            className={t.id === selected?.id ? 'track selected' : 'track'}
            onPointerDown={(e) => {
              if (s.tool) return;
              e.stopPropagation();
              model.selectTrack(t.id);
            }}
          >
            <Shape s={shown} color={colour(t.label)} dashed={!at.keyframe} testId={`track-shape-${t.id}`} />
          </g>
        );
      })}
      {s.draft ? <Shape s={s.draft} color="#ffffff" dashed={!s.draft.closed} testId="draft-shape" /> : null}
      {selected && handlePoints && !s.tool
        ? handlePoints.map((q, i) => (
            <rect
              key={i}
              className="handle"
              data-handle={i}
              x={q[0] - hs / 2}
              y={q[1] - hs / 2}
              width={hs}
              height={hs}
              onPointerDown={(e) => {
                e.stopPropagation();
                (e.target as Element).setPointerCapture?.(e.pointerId);
                setDrag({ index: i, points: handlePoints.map((x) => [x[0], x[1]] as Point) });
              }}
            />
          ))
        : null}
    </svg>
  );
}
