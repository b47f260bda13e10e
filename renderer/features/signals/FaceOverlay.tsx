import { useEffect, useState, useSyncExternalStore } from 'react';
import type { TellframeClient } from '../../../shared/api';
import { decodeLandmarks } from '../../../shared/landmarks';
import { fromBase64 } from '../../../shared/base64';
import type { PlayerController } from '../player/controller';
import { safeStorage } from './params';

/**
 * The face model's findings drawn over the frame on screen: the face box,
 * each eye's six points (p1…p6, the eye aspect ratio's) joined, the inner
 * lips, and the iris centres, in image pixels (an SVG with the frame's size
 * as its viewBox, as the region overlay), so a person can see what the
 * signals measured on that exact frame. Off unless turned on; the choice is
 * kept in the browser.
 */
const KEY = 'tellframe.faceOverlay';

let state = { on: safeStorage()?.getItem(KEY) === 'on', stamp: 0 };
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};

/** Whether the overlay is on, and a stamp that changes when the kept landmarks may have (signals computed). */
export const faceOverlay = {
  getState: () => state,
  subscribe: (l: () => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  setOn(on: boolean): void {
    state = { ...state, on };
    try {
      safeStorage()?.setItem(KEY, on ? 'on' : 'off');
    } catch {
      // Only the choice for the next visit is lost.
    }
    emit();
  },
  /** Read the landmarks again (the open video's signals were computed). */
  refresh(): void {
    state = { ...state, stamp: state.stamp + 1 };
    emit();
  },
};

interface Kept {
  videoId: number;
  names: string[];
  pts: Float32Array;
  box: (number | null)[];
}

export function FaceOverlay({ client, player }: { client: TellframeClient; player: PlayerController }) {
  const o = useSyncExternalStore(faceOverlay.subscribe, faceOverlay.getState);
  const p = useSyncExternalStore(player.subscribe, player.getState);
  const [kept, setKept] = useState<Kept | null>(null);
  const videoId = p.video?.id ?? null;
  useEffect(() => {
    if (!o.on || videoId === null) return;
    let live = true;
    client.call('signals.landmarks', { id: videoId }).then(
      (r) => {
        if (live) setKept(r ? { videoId, names: r.names, pts: decodeLandmarks(fromBase64(r.data)), box: r.box } : null);
      },
      () => {
        if (live) setKept(null);
      },
    );
    return () => {
      live = false;
    };
  }, [client, o.on, videoId, o.stamp]);

  const v = p.video;
  if (!o.on || !v || p.shown === null || !kept || kept.videoId !== v.id) return null;
  const f = p.shown;
  const b = kept.box.slice(f * 4, f * 4 + 4);
  const per = kept.names.length * 2;
  const pt = (name: string): [number, number] | null => {
    const k = kept.names.indexOf(name);
    if (k < 0) return null;
    const x = kept.pts[f * per + k * 2]!;
    const y = kept.pts[f * per + k * 2 + 1]!;
    return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
  };
  const path = (names: string[]) => {
    const ps = names.map(pt);
    return ps.every(Boolean) ? (ps as [number, number][]).map((q) => q.join(',')).join(' ') : null;
  };
  const eye = (side: 'r' | 'l') => path([1, 2, 3, 4, 5, 6].map((k) => `${side}_eye_p${k}`));
  const lips = path(['mouth_left', 'mouth_upper1', 'mouth_upper2', 'mouth_upper3', 'mouth_right', 'mouth_lower3', 'mouth_lower2', 'mouth_lower1']);
  const found = b.length === 4 && b.every((x) => x !== null);
  const stroke = { vectorEffect: 'non-scaling-stroke' as const, fill: 'none' };
  return (
    <svg className="regions face-overlay" data-testid="face-overlay" data-frame={f} data-face={found ? 'yes' : 'no'} viewBox={`0 0 ${v.width} ${v.height}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
      {found ? (
        <>
          <rect data-testid="face-box" x={b[0]!} y={b[1]!} width={b[2]!} height={b[3]!} stroke="#4fc3f7" strokeWidth={1.5} strokeDasharray="5 4" {...stroke} />
          {(['r', 'l'] as const).map((side) => {
            const d = eye(side);
            return d ? <polygon key={side} data-testid={`face-eye-${side}`} points={d} stroke="#ffd54f" strokeWidth={1.5} {...stroke} /> : null;
          })}
          {lips ? <polygon data-testid="face-lips" points={lips} stroke="#ff8a80" strokeWidth={1.5} {...stroke} /> : null}
          {kept.names.map((name) => {
            const q = pt(name);
            return q ? <circle key={name} data-point={name} cx={q[0]} cy={q[1]} r={Math.max(1.5, v.width / 480)} fill={name.startsWith('iris') ? '#80deea' : '#ffffff'} /> : null;
          })}
        </>
      ) : (
        <text x={8} y={24} fill="#ffb74d" fontSize={Math.max(14, v.height / 30)}>no face found in this frame</text>
      )}
    </svg>
  );
}
