import type { Lane, SignalView } from '../../../shared/candidates';
import type { View } from '../annotate/Timeline';
import { LANE_OF, decisionOf, type CandidateRow, type DecisionState } from './model';

export const SIGNAL_LANE_H = 40;
const PAD = 3;

export const SERIES_COLOUR = '#7fb3ff';
/** Overlays by name: the surroundings in sand, the sound's loudness in the audio view's green. */
export function overlayColour(name: string): string {
  return name === 'loudness' ? '#9ad07a' : '#d8b56a';
}
export const DECISION_COLOUR: Record<DecisionState, string> = { open: '#ffb74d', accepted: '#7ee787', dismissed: '#7d8590' };
const THRESHOLD_COLOUR = '#ff8a80';
const BLINK_COLOUR = '#f06292';

/**
 * Overlays measured in the lane's own unit (the surroundings' luma or
 * colour change against the face's) share the lane's scale, widened to hold
 * both, so a face lit differently from its surroundings looks it; any other
 * overlay (the audio's loudness, normalised 0–1) has its own scale.
 */
const SAME_UNIT_OVERLAYS = new Set(['surroundings']);

export interface LaneScale {
  lo: number;
  hi: number;
  /** The overlay's range (the lane's when they share it); null without an overlay. */
  overlay: { lo: number; hi: number } | null;
}

function finiteRange(values: readonly (number | null)[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

export function laneScale(lane: Lane): LaneScale {
  let lo = lane.min;
  let hi = lane.max > lane.min ? lane.max : lane.min + 1;
  if (!lane.overlay) return { lo, hi, overlay: null };
  const r = finiteRange(lane.overlay.values);
  if (SAME_UNIT_OVERLAYS.has(lane.overlay.name)) {
    if (r) {
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
    return { lo, hi, overlay: { lo, hi } };
  }
  const olo = Math.min(0, r?.[0] ?? 0);
  const ohi = Math.max(r?.[1] ?? 1, olo + 1e-9);
  return { lo, hi, overlay: { lo: olo, hi: ohi } };
}

/** A value as the page prints it: a few significant digits. */
export function fmtValue(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/** The candidates drawn on each lane, by lane id. */
export function candidatesByLane(candidates: readonly CandidateRow[]): Map<string, CandidateRow[]> {
  const out = new Map<string, CandidateRow[]>();
  for (const c of candidates) {
    const id = LANE_OF[c.signal];
    const list = out.get(id) ?? [];
    list.push(c);
    out.set(id, list);
  }
  return out;
}

/**
 * One series over the view: a line through the frames' middles while a
 * frame is at least a pixel wide (broken where a frame has no value, e.g.
 * no face); zoomed further out, each pixel column's range of values, joined
 * to its neighbour's, so a one-frame spike among thousands still shows.
 */
function drawSeries(ctx: CanvasRenderingContext2D, values: readonly (number | null)[], view: View, width: number, y: (v: number) => number, colour: string): void {
  const scale = width / view.frames;
  const n = values.length;
  const f0 = Math.max(0, Math.floor(view.start) - 1);
  const f1 = Math.min(n, Math.ceil(view.start + view.frames) + 1);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  if (scale >= 1) {
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    let pen = false;
    for (let f = f0; f < f1; f++) {
      const v = values[f];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        pen = false;
        continue;
      }
      const x = (f + 0.5 - view.start) * scale;
      if (pen) ctx.lineTo(x, y(v));
      else {
        ctx.moveTo(x, y(v));
        // A lone frame between gaps is a dot, not nothing.
        const next = values[f + 1];
        if (next === null || next === undefined) ctx.fillRect(x - 1, y(v) - 1, 2, 2);
      }
      pen = true;
    }
    ctx.stroke();
    return;
  }
  let col = -1;
  let lo = Infinity;
  let hi = -Infinity;
  let prev: [number, number] | null = null;
  let prevCol = -2;
  const flush = () => {
    if (col < 0 || lo > hi) return;
    let top = y(hi);
    let bottom = y(lo);
    if (prev && prevCol === col - 1) {
      top = Math.min(top, prev[1]);
      bottom = Math.max(bottom, prev[0]);
    }
    ctx.fillRect(col, top, 1, Math.max(1, bottom - top));
    prev = [y(hi), y(lo)];
    prevCol = col;
  };
  for (let f = Math.max(0, Math.floor(view.start)); f < Math.min(n, Math.ceil(view.start + view.frames)); f++) {
    const x = Math.floor((f - view.start) * scale);
    if (x !== col) {
      flush();
      col = x;
      lo = Infinity;
      hi = -Infinity;
    }
    const v = values[f];
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  flush();
}

/**
 * Draw every lane for the view: the candidates as spans behind (coloured by
 * decision, the selected one outlined), the overlay, the series, the
 * thresholds as named dashed lines, and on the eye lane each blink as a
 * tick along the bottom.
 */
export function drawSignalLanes(ctx: CanvasRenderingContext2D, width: number, view: View, signals: Pick<SignalView, 'lanes' | 'candidates' | 'blinks'>, selected: string | null): void {
  const { lanes } = signals;
  const h = SIGNAL_LANE_H;
  ctx.clearRect(0, 0, width, lanes.length * h);
  const scale = width / view.frames;
  const xOf = (f: number) => (f - view.start) * scale;
  const byLane = candidatesByLane(signals.candidates);
  const end = view.start + view.frames;
  lanes.forEach((lane, i) => {
    const top = i * h;
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, top, width, h);
    ctx.clip();
    ctx.fillStyle = i % 2 ? '#15171b' : '#1a1d22';
    ctx.fillRect(0, top, width, h - 1);
    const s = laneScale(lane);
    const yIn = (lo: number, hi: number) => (v: number) => top + PAD + (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (h - 1 - 2 * PAD);
    const y = yIn(s.lo, s.hi);

    for (const c of byLane.get(lane.id) ?? []) {
      if (c.endFrame < view.start || c.startFrame >= end) continue;
      const x0 = Math.max(-2, xOf(c.startFrame));
      const x1 = Math.min(width + 2, xOf(c.endFrame + 1));
      const w = Math.max(3, x1 - x0);
      const colour = DECISION_COLOUR[decisionOf(c)];
      ctx.fillStyle = `${colour}${decisionOf(c) === 'dismissed' ? '22' : '38'}`;
      ctx.fillRect(x0, top, w, h - 1);
      ctx.fillStyle = colour;
      ctx.fillRect(x0, top, w, 2);
      ctx.fillRect(x0, top + h - 3, w, 2);
      if (c.id === selected) {
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 2;
        // Inside the decision's bars, which stay visible.
        ctx.strokeRect(x0 + 1, top + 3, w - 2, h - 7);
      }
    }
    if (lane.overlay && s.overlay) drawSeries(ctx, lane.overlay.values, view, width, yIn(s.overlay.lo, s.overlay.hi), overlayColour(lane.overlay.name));
    drawSeries(ctx, lane.values, view, width, y, SERIES_COLOUR);

    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1;
    for (const t of lane.thresholds) {
      const ty = Math.round(y(t.value)) + 0.5;
      ctx.strokeStyle = THRESHOLD_COLOUR;
      ctx.beginPath();
      ctx.moveTo(0, ty);
      ctx.lineTo(width, ty);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    drawThresholdNames(ctx, width, top, lane.thresholds.map((t) => ({ text: `${t.name} ${fmtValue(t.value)}`, y: y(t.value) })));
    if (lane.id === 'ear') {
      ctx.fillStyle = BLINK_COLOUR;
      for (const b of signals.blinks) {
        if (b.endFrame < view.start || b.startFrame >= end) continue;
        ctx.fillRect(xOf(b.startFrame), top + h - 5, Math.max(2, xOf(b.endFrame + 1) - xOf(b.startFrame)), 3);
      }
    }
    ctx.restore();
  });
}

/**
 * Each threshold's name and value at the right end of its line, above it
 * (below when there is no room), on a dark ground; names that would cover
 * one another move left.
 */
function drawThresholdNames(ctx: CanvasRenderingContext2D, width: number, top: number, names: { text: string; y: number }[]): void {
  const h = SIGNAL_LANE_H;
  ctx.font = '10px sans-serif';
  ctx.textBaseline = 'alphabetic';
  const placed: { x0: number; x1: number; y0: number; y1: number }[] = [];
  for (const n of names) {
    const w = ctx.measureText(n.text).width + 4;
    const base = n.y - 2 - 9 < top ? Math.min(top + h - 2, n.y + 11) : n.y - 2;
    let x1 = width - 2;
    for (let k = 0; k < names.length; k++) {
      const hit = placed.find((p) => p.x0 < x1 && x1 - w < p.x1 && p.y0 < base + 2 && base - 10 < p.y1);
      if (!hit) break;
      x1 = hit.x0 - 6;
    }
    const box = { x0: x1 - w, x1, y0: base - 10, y1: base + 2 };
    placed.push(box);
    ctx.fillStyle = '#000000a0';
    ctx.fillRect(box.x0, box.y0, w, 12);
    ctx.fillStyle = THRESHOLD_COLOUR;
    ctx.fillText(n.text, box.x0 + 2, base);
  }
}
