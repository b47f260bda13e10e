import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { TellframeClient } from '../../../shared/api';
import type { SignalView } from '../../../shared/candidates';
import type { VideoSummary } from '../../../shared/model';
import { BLINK_NORMS } from '../../../shared/signals';
import type { View } from '../annotate/Timeline';
import { JobPanel } from '../JobPanel';
import type { PlayerController } from '../player/controller';
import { useJob } from '../useJob';
import { loadAutoCompute, saveAutoCompute } from './params';
import { faceOverlay } from './FaceOverlay';
import { DECISION_COLOUR, SERIES_COLOUR, SIGNAL_LANE_H, candidatesByLane, drawSignalLanes, fmtValue, overlayColour } from './draw';
import { decisionOf, type SignalsModel } from './model';

/** The whole video's figures in one line: the blink rate against people's, the mouth–audio lag in frames and ms. */
export function signalSummary(v: SignalView): string {
  const parts: string[] = [];
  parts.push(
    v.faceSeconds > 0
      ? `${v.blinks.length} blinks, ${v.blinkRate.toFixed(1)}/min over ${v.faceSeconds.toFixed(1)} s with a face (people: about ${BLINK_NORMS.restPerMinute} at rest, ${BLINK_NORMS.conversationPerMinute} talking)`
      : 'no face found',
  );
  if (v.lipSync) {
    const { lag, ms, correlation } = v.lipSync;
    parts.push(
      lag === 0
        ? `lip sync: in step (r = ${correlation.toFixed(2)})`
        : `lip sync: sound ${Math.abs(Math.round(ms))} ms ${lag > 0 ? 'late' : 'early'} (${lag > 0 ? '+' : ''}${lag} frames, r = ${correlation.toFixed(2)})`,
    );
  }
  return parts.join(' · ');
}

/** Videos whose automatic computing was cancelled in this visit: not started again by themselves. */
const declined = new Set<number>();

/**
 * The signal tracks under the timeline, for its view and zoom: one plot
 * lane per signal (eyes, mouth with the sound, lighting, colour, sharpness,
 * flicker) aligned to frames, with thresholds, overlays and the candidates
 * as spans coloured by decision. Before the signals exist: a button to
 * compute them, with progress and Cancel. Click a lane to go to that frame
 * (and select the candidate under it); hover for the values.
 */
export function SignalLanes({ client, player, signals, video, view, width, current }: {
  client: TellframeClient;
  player: PlayerController;
  signals: SignalsModel;
  video: VideoSummary;
  view: View;
  width: number;
  current: number;
}) {
  const s = useSyncExternalStore(signals.subscribe, signals.getState);
  const job = useJob((jobId) => client.call('signals.status', { jobId }));
  const [shown, setShown] = useState(true);
  const [hover, setHover] = useState<{ x: number; frame: number; lane: number } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const sv = s.videoId === video.id ? s.view : undefined;
  const jobState = job.job?.state;

  // A finished job's signals are read at once.
  useEffect(() => {
    if (jobState === 'done') {
      void signals.refresh();
      faceOverlay.refresh();
    }
  }, [jobState, signals]);
  const overlay = useSyncExternalStore(faceOverlay.subscribe, faceOverlay.getState);

  // Opened without signals: computed at once (unless turned off, or cancelled for this video in this visit).
  // Asking again while a job runs for the video follows that job, so coming back shows its progress.
  const [auto, setAuto] = useState(loadAutoCompute);
  const compute = () => void job.launch(() => client.call('signals.start', { id: video.id }));
  const noSignals = s.videoId === video.id && s.view === null;
  useEffect(() => {
    if (auto && noSignals && !declined.has(video.id) && !job.job && !job.running) compute();
  }, [auto, noSignals, video.id]);
  useEffect(() => {
    // Cancelled, or failed (it would fail again): not started again by itself in this visit.
    if (jobState === 'cancelled' || jobState === 'failed') declined.add(video.id);
  }, [jobState, video.id]);

  const w = Math.max(1, Math.round(width));
  const lanesH = sv ? sv.lanes.length * SIGNAL_LANE_H : 0;
  useEffect(() => {
    const c = canvas.current;
    if (!c || !sv || !shown) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(w * dpr);
    c.height = Math.round(lanesH * dpr);
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawSignalLanes(ctx, w, view, sv, s.selected);
  }, [sv, view, w, lanesH, s.selected, shown]);

  const failed = jobState === 'failed' || job.error !== null || (s.error !== null && s.videoId === video.id);
  const state = job.running || (jobState === 'done' && !sv) ? 'computing' : failed ? 'error' : sv ? 'ready' : sv === null ? 'none' : 'loading';
  const frameAt = (clientX: number, el: Element) => {
    const r = el.getBoundingClientRect();
    const x = clientX - r.left;
    return { x, frame: Math.min(video.frameCount - 1, Math.max(0, Math.floor(view.start + (x / w) * view.frames))) };
  };
  const byLane = sv ? candidatesByLane(sv.candidates) : new Map();
  const candidateAt = (lane: number, frame: number) => {
    const id = sv?.lanes[lane]?.id;
    return id ? (byLane.get(id) ?? []).find((c: SignalView['candidates'][number]) => c.startFrame <= frame && frame <= c.endFrame) : undefined;
  };
  const cursorX = ((current - view.start) / view.frames) * w;

  return (
    <div className="signal-lanes" data-testid="signal-lanes" data-state={state} data-view={`${view.start}:${view.frames}`} aria-label="Signal tracks">
      <div className="signal-head">
        <b>Signals</b>
        {sv ? (
          <>
            <span className="muted" data-testid="signal-summary">{signalSummary(sv)}</span>
            <button type="button" className="link" aria-expanded={shown} onClick={() => setShown((x) => !x)}>{shown ? 'hide lanes' : 'show lanes'}</button>
            <label className="muted">
              <input type="checkbox" checked={overlay.on} data-testid="face-overlay-toggle" onChange={(e) => faceOverlay.setOn(e.target.checked)} /> face landmarks on the picture
            </label>
          </>
        ) : null}
        {sv === null && state !== 'computing' ? (
          <>
            <button type="button" onClick={compute} data-testid="compute-signals">
              Compute signals
            </button>
            <span className="muted">the face model on every frame: eyes, mouth against the sound, lighting, colour, sharpness, flicker</span>
          </>
        ) : null}
        {sv === undefined && !failed ? <span className="muted">Reading the signals…</span> : null}
        <label className="muted signal-auto">
          <input
            type="checkbox"
            checked={auto}
            data-testid="signals-auto"
            onChange={(e) => {
              setAuto(e.target.checked);
              saveAutoCompute(e.target.checked);
            }}
          />{' '}
          compute when a video is opened
        </label>
      </div>
      {job.job && (job.job.state !== 'done' || !sv) ? (
        <JobPanel
          job={job.job}
          label="Computing signals"
          testId="signals-job"
          running={job.job.progress ? `${(job.job.progress as { what: string }).what}…` : 'Starting the face model…'}
          done="Computed; reading the lanes…"
          ended={{ cancelled: 'Cancelled: nothing was kept.', failed: 'Computing the signals failed.' }}
        >
          {job.job.state === 'running' ? (
            <button type="button" onClick={() => void client.call('signals.cancel', { jobId: job.job!.jobId }).catch((err: unknown) => job.refuse((err as Error).message))}>
              Cancel
            </button>
          ) : null}
        </JobPanel>
      ) : null}
      {job.error ? <p className="error" role="alert">{job.error}</p> : null}
      {s.error && s.videoId === video.id ? (
        <p className="error" role="alert">
          {s.error}{' '}
          <button type="button" onClick={() => void signals.refresh()}>Try again</button>
        </p>
      ) : null}
      {sv && shown ? (
        <div className="signal-canvas" style={{ height: lanesH }}>
          <canvas
            ref={canvas}
            data-testid="signal-canvas"
            aria-label="Signal lanes: click to go to a frame"
            style={{ width: w, height: lanesH }}
            onClick={(e) => {
              const { frame } = frameAt(e.clientX, e.currentTarget);
              const lane = Math.floor((e.clientY - e.currentTarget.getBoundingClientRect().top) / SIGNAL_LANE_H);
              const c = candidateAt(lane, frame);
              if (c) signals.select(c.id);
              player.goTo(frame);
            }}
            onPointerMove={(e) => {
              const { x, frame } = frameAt(e.clientX, e.currentTarget);
              const lane = Math.floor((e.clientY - e.currentTarget.getBoundingClientRect().top) / SIGNAL_LANE_H);
              setHover({ x, frame, lane });
            }}
            onPointerLeave={() => setHover(null)}
          />
          {sv.lanes.map((lane, i) => (
            <div
              key={lane.id}
              className="signal-lane-label"
              data-testid="signal-lane"
              data-lane={lane.id}
              data-thresholds={lane.thresholds.map((t) => t.value).join(' ')}
              data-candidates={(byLane.get(lane.id) ?? []).length}
              style={{ top: i * SIGNAL_LANE_H }}
              title={lane.unit}
            >
              <b>{lane.name}</b>{' '}
              <span className="swatch" style={{ background: SERIES_COLOUR }} />
              {lane.overlay ? <><span className="swatch" style={{ background: overlayColour(lane.overlay.name) }} />{lane.overlay.name} </> : null}
              <span className="muted">{lane.summary}</span>
            </div>
          ))}
          {cursorX >= 0 && cursorX <= w ? <span className="cursor" style={{ left: cursorX }} /> : null}
          {hover ? <HoverReadout sv={sv} hover={hover} width={w} candidate={candidateAt(hover.lane, hover.frame)} /> : null}
        </div>
      ) : null}
      {sv && shown ? (
        <div className="signal-legend muted">
          candidates: <span className="swatch" style={{ background: DECISION_COLOUR.open }} /> open <span className="swatch" style={{ background: DECISION_COLOUR.accepted }} /> accepted{' '}
          <span className="swatch" style={{ background: DECISION_COLOUR.dismissed }} /> dismissed · click to go to a frame, <kbd>]</kbd> / <kbd>[</kbd> next / previous candidate
        </div>
      ) : null}
    </div>
  );
}

function HoverReadout({ sv, hover, width, candidate }: { sv: SignalView; hover: { x: number; frame: number; lane: number }; width: number; candidate: SignalView['candidates'][number] | undefined }) {
  const lane = sv.lanes[hover.lane];
  if (!lane) return null;
  const v = lane.values[hover.frame];
  const o = lane.overlay?.values[hover.frame];
  const left = Math.min(Math.max(0, hover.x + 12), Math.max(0, width - 260));
  return (
    <div className="signal-hover" data-testid="signal-hover" style={{ left, top: hover.lane * SIGNAL_LANE_H + SIGNAL_LANE_H - 2 }}>
      <b>frame {hover.frame}</b> · {lane.name}: {v === null || v === undefined ? 'no value' : `${fmtValue(v)} ${lane.unit}`}
      {lane.overlay ? ` · ${lane.overlay.name}: ${o === null || o === undefined ? 'no value' : fmtValue(o)}` : ''}
      {candidate ? (
        <div>
          <span style={{ color: DECISION_COLOUR[decisionOf(candidate)] }}>{decisionOf(candidate)}</span> {candidate.text}
        </div>
      ) : null}
    </div>
  );
}
