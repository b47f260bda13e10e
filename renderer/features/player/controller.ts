import type { TellframeClient } from '../../../shared/api';
import type { VideoSummary } from '../../../shared/model';
import { frameAtSeconds, frameSeconds, parseTimecode, type Rational } from '../../../shared/time';
import { JUMP_REACH, nextReach, travelDirection } from '../../../shared/travel';
import { FrameLoader, type LoadedFrame } from './frameLoader';

export interface PlayerState {
  video: VideoSummary | null;
  /** The frame whose pixels are on the canvas (null before the first draw). */
  shown: number | null;
  shownPts: number | null;
  /** The frame asked for last; differs from `shown` while it loads. */
  requested: number;
  playing: boolean;
  /** Playback rate; negative plays backwards (J). */
  rate: number;
  loopIn: number | null;
  loopOut: number | null;
  /** null = fit to view; otherwise CSS pixels per frame pixel. */
  zoom: number | null;
  error: string | null;
  muted: boolean;
  /** Whether the video has audio the host can play. */
  hasAudio: boolean;
}

export const SPEEDS = [0.1, 0.25, 0.5, 1, 1.5, 2, 4];

/**
 * The range playback runs over: the loop in/out points clamped to the video,
 * or the whole video when no loop is set or the points are reversed (while
 * the user is still typing them).
 */
export function loopBounds(loopIn: number | null, loopOut: number | null, frameCount: number): { lo: number; hi: number; looping: boolean } {
  const last = Math.max(0, frameCount - 1);
  const lo = Math.min(last, Math.max(0, loopIn ?? 0));
  const hi = Math.min(last, Math.max(0, loopOut ?? last));
  if ((loopIn === null && loopOut === null) || lo > hi) return { lo: 0, hi: last, looping: false };
  return { lo, hi, looping: true };
}
export const MAX_FRAMES_PER_CALL = 100_000;

type Listener = () => void;

/**
 * The player's model, outside React: which frame is asked for, which is on
 * screen, playback. Pixels go straight from the loader to the canvas; the
 * state (and so the frame-index readout) changes only after they are drawn.
 */
export class PlayerController {
  readonly loader: FrameLoader;
  private state: PlayerState = {
    video: null, shown: null, shownPts: null, requested: 0, playing: false, rate: 1, loopIn: null, loopOut: null, zoom: null, error: null,
    muted: false, hasAudio: false,
  };
  private audio: HTMLAudioElement | null = null;
  private listeners = new Set<Listener>();
  private canvas: HTMLCanvasElement | null = null;
  private pts: number[] = [];
  private keys: boolean[] = [];
  private keyList: Int32Array = new Int32Array(0);
  private raf = 0;
  private clock: { t0: number; sec0: number } | null = null;
  private lastDir: 1 | -1 = 1;
  /** Frames to prefetch in the direction of travel: small after a jump, growing as the user steps on (shared/travel.ts). */
  private reach = JUMP_REACH;
  /** Resolves when the open video's frame index (pts, key flags) has loaded. */
  private indexReady: Promise<void> = Promise.resolve();

  constructor(private readonly client: TellframeClient) {
    this.loader = new FrameLoader(client);
  }

  getState = (): PlayerState => this.state;
  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  /**
   * Resolves once video `id` shows a frame (or cannot, or is no longer the
   * one open), or after `maxMs` at the latest. The panels around the player
   * load their data after it, so the first picture of a newly opened video
   * does not wait behind their requests to the same host.
   */
  whenShown(id: number, maxMs = 400): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        const s = this.state;
        if (s.video?.id === id && s.shown === null && !s.error) return;
        off();
        clearTimeout(timer);
        resolve();
      };
      const off = this.subscribe(check);
      const timer = setTimeout(() => {
        off();
        resolve();
      }, maxMs);
      check();
    });
  }

  private set(patch: Partial<PlayerState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** The <audio> element that plays the original's sound beside the frames. */
  attachAudio(el: HTMLAudioElement | null): void {
    this.audio = el;
    this.loadAudio();
  }

  private loadAudio(): void {
    const v = this.state.video;
    const a = this.audio;
    if (!a) return;
    a.pause();
    const url = v?.audio && this.client.audioUrl ? this.client.audioUrl(v.id) : null;
    if (!url || !v?.audio) {
      a.removeAttribute('src');
      this.set({ hasAudio: false });
      return;
    }
    a.preload = 'auto';
    a.src = url;
    a.muted = this.state.muted;
    // The host's audio file starts at frame 0: its time is the time from frame 0.
    a.dataset.offset = '0';
    this.set({ hasAudio: true });
  }

  toggleMute(): void {
    const muted = !this.state.muted;
    if (this.audio) this.audio.muted = muted;
    this.set({ muted });
  }

  /** Start or stop the sound to match playback; only forward and at rates a media element can play. */
  private syncAudio(sec: number | null): void {
    const a = this.audio;
    if (!a || !this.state.hasAudio) return;
    const rate = this.state.rate;
    if (sec === null || !this.state.playing || rate < 0.25 || rate > 4) {
      if (!a.paused) a.pause();
      return;
    }
    const want = sec;
    if (want < 0 || (Number.isFinite(a.duration) && want >= a.duration)) {
      if (!a.paused) a.pause();
      return;
    }
    if (a.playbackRate !== rate) a.playbackRate = rate;
    // The display clock leads; the sound follows it within 80 ms.
    if (a.paused || Math.abs(a.currentTime - want) > 0.08) a.currentTime = want;
    if (a.paused) void a.play().catch(() => undefined);
  }

  attach(canvas: HTMLCanvasElement | null): void {
    this.canvas = canvas;
    const f = this.state.shown !== null ? this.loader.peek(this.state.shown) : undefined;
    if (f) this.draw(f);
  }

  get framePts(): readonly number[] {
    return this.pts;
  }
  /** The open video's key frame indices, in order (empty until its index has loaded). */
  get keyframes(): Int32Array {
    return this.keyList;
  }
  isKey(i: number): boolean {
    return this.keys[i] ?? false;
  }
  get timeBase(): Rational {
    return this.state.video?.timeBase ?? { num: 1, den: 1 };
  }
  seconds(i: number): number {
    return this.pts.length ? frameSeconds(this.pts, i, this.timeBase) : 0;
  }

  /** Open a video at a frame: load its index (pts, key flags), then show the frame. */
  async open(video: VideoSummary, frame = 0): Promise<void> {
    this.pause();
    this.loader.setVideo(video.id, video.frameCount, video.width, video.height);
    this.pts = [];
    this.keys = [];
    this.keyList = new Int32Array(0);
    const target = Math.min(Math.max(0, Math.trunc(frame) || 0), video.frameCount - 1);
    this.set({ video, shown: null, shownPts: null, requested: target, error: null, loopIn: null, loopOut: null });
    this.loadAudio();
    // The picture first: the index (pts, key flags) follows; stepping works
    // meanwhile, and what needs the index waits for it (indexReady).
    this.indexReady = this.show(target).then(() => this.loadIndex(video));
    await this.indexReady;
  }

  private async loadIndex(video: VideoSummary): Promise<void> {
    const pts: number[] = [];
    const keys: boolean[] = [];
    for (let from = 0; from < video.frameCount; from += MAX_FRAMES_PER_CALL) {
      const rows = await this.client.call('media.frames', { id: video.id, from, count: MAX_FRAMES_PER_CALL });
      if (this.state.video?.id !== video.id) return;
      for (const r of rows) {
        pts.push(r.pts);
        keys.push(r.key);
      }
    }
    this.pts = pts;
    this.keys = keys;
    const list: number[] = [];
    keys.forEach((k, i) => k && list.push(i));
    this.keyList = Int32Array.from(list);
    this.set({});
  }

  private draw(f: LoadedFrame): void {
    const c = this.canvas;
    if (!c) return;
    if (c.width !== f.image.width || c.height !== f.image.height) {
      c.width = f.image.width;
      c.height = f.image.height;
    }
    c.getContext('2d')!.putImageData(f.image, 0, 0);
    this.set({ shown: f.index, shownPts: f.pts, error: null });
  }

  /** Ask for frame i; draw it when its pixels arrive unless something newer was asked for meanwhile. */
  async show(i: number): Promise<void> {
    const v = this.state.video;
    if (!v) return;
    const target = Math.min(Math.max(0, Math.trunc(i)), v.frameCount - 1);
    const prev = this.state.shown ?? target;
    // Steps set the direction of travel (prefetch follows it); a jump reads forward.
    if (target !== prev) {
      this.lastDir = travelDirection(prev, target);
      this.reach = nextReach(this.reach, prev, target, Infinity);
    }
    if (this.state.requested !== target) this.set({ requested: target });
    const cached = this.loader.peek(target);
    if (cached) {
      this.draw(cached);
      this.loader.prefetch(target, this.lastDir, this.reach);
      return;
    }
    try {
      const f = await this.loader.get(target);
      if (this.state.requested === target && this.state.video?.id === v.id) this.draw(f);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      if (this.state.requested === target) this.set({ error: (err as Error).message });
      return;
    }
    this.loader.prefetch(target, this.lastDir, this.reach);
  }

  step(delta: number): void {
    this.pause();
    void this.show(this.state.requested + delta);
  }
  goTo(i: number): void {
    this.pause();
    void this.show(i);
  }
  /** Go to the frame on screen at `seconds` after frame 0 (from stored pts). */
  goToTime(seconds: number): void {
    const id = this.state.video?.id;
    // Right after opening, the index may not be here yet: go once it is.
    void this.indexReady.then(() => {
      if (this.state.video?.id === id && this.pts.length) this.goTo(frameAtSeconds(this.pts, this.timeBase, seconds));
    }, () => undefined);
  }

  /**
   * "123" is a frame; "12.5s", "1:02.5" or "00:01:02:05" is a time. Returns
   * an error message for anything else.
   */
  goToInput(text: string): string | null {
    const t = text.trim();
    const v = this.state.video;
    if (!v || !t) return 'Type a frame number or a time.';
    if (/^\d+$/.test(t)) {
      const i = Number(t);
      if (i >= v.frameCount) return `The last frame is ${v.frameCount - 1}.`;
      this.goTo(i);
      return null;
    }
    try {
      const secs = /^\d+(\.\d+)?s$/.test(t) ? Number(t.slice(0, -1)) : parseTimecode(t, v.frameRate ?? { num: 25, den: 1 });
      this.goToTime(secs);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  setZoom(zoom: number | null): void {
    this.set({ zoom: zoom === null ? null : Math.min(64, Math.max(0.05, zoom)) });
  }

  /** View menu / keys: 'in' and 'out' double or halve the scale (from fit: from the scale that fits). */
  zoomStep(how: 'in' | 'out' | 'fit' | 'actual', fitScale = 1): void {
    if (how === 'fit') return this.setZoom(null);
    if (how === 'actual') return this.setZoom(1);
    const z = this.state.zoom ?? fitScale;
    this.setZoom(how === 'in' ? z * 2 : z / 2);
  }

  setLoop(inFrame: number | null, outFrame: number | null): void {
    this.set({ loopIn: inFrame, loopOut: outFrame });
  }

  // Playback: a display-refresh loop that maps the clock to a media time and
  // that time to a frame by the stored pts (never time × fps). Frames not yet
  // decoded are skipped, not waited for, so playback keeps real time.
  play(rate = this.state.rate || 1): void {
    const v = this.state.video;
    if (!v) return;
    if (!this.pts.length) {
      // Asked to play before the index arrived (right after opening): play once it is here.
      const id = v.id;
      void this.indexReady.then(() => this.state.video?.id === id && this.pts.length && this.play(rate));
      return;
    }
    const from = this.state.shown ?? 0;
    const { lo, hi } = loopBounds(this.state.loopIn, this.state.loopOut, v.frameCount);
    const atEnd = rate > 0 ? from >= hi : from <= lo;
    // Outside the loop range, or at its far end: start from its near end.
    const start = atEnd || from < lo || from > hi ? (rate > 0 ? lo : hi) : from;
    this.clock = { t0: performance.now(), sec0: this.seconds(start) };
    this.set({ playing: true, rate });
    cancelAnimationFrame(this.raf);
    this.raf = requestAnimationFrame(this.tick);
  }

  pause(): void {
    if (!this.state.playing) return;
    cancelAnimationFrame(this.raf);
    this.clock = null;
    this.set({ playing: false });
    this.syncAudio(null);
  }

  toggle(): void {
    if (this.state.playing) this.pause();
    else this.play(this.state.rate || 1);
  }

  setRate(rate: number): void {
    const wasPlaying = this.state.playing;
    if (wasPlaying) this.pause();
    this.set({ rate });
    if (wasPlaying) this.play(rate);
  }

  /** J/K/L: L plays forward and speeds up, J backward, K pauses. */
  shuttle(key: 'j' | 'k' | 'l'): void {
    if (key === 'k') return this.pause();
    const dir = key === 'l' ? 1 : -1;
    const cur = this.state.playing ? this.state.rate : 0;
    const next = Math.sign(cur) === dir ? Math.min(4, Math.abs(cur) * 2) * dir : dir;
    if (this.state.playing) this.pause();
    this.play(next);
  }

  private tick = (now: number): void => {
    const v = this.state.video;
    if (!v || !this.clock || !this.state.playing) return;
    const rate = this.state.rate;
    let sec = this.clock.sec0 + ((now - this.clock.t0) / 1000) * rate;
    const { lo, hi, looping } = loopBounds(this.state.loopIn, this.state.loopOut, v.frameCount);
    const loSec = this.seconds(lo);
    const hiSec = this.seconds(hi);
    if (rate > 0 && sec > hiSec + (this.seconds(Math.min(hi + 1, v.frameCount - 1)) - hiSec || 0.04)) {
      if (!looping) {
        void this.show(hi);
        return this.pause();
      }
      this.clock = { t0: now, sec0: loSec };
      sec = loSec;
    } else if (rate < 0 && sec < loSec) {
      if (!looping) {
        void this.show(lo);
        return this.pause();
      }
      this.clock = { t0: now, sec0: hiSec };
      sec = hiSec;
    }
    this.syncAudio(sec);
    const target = Math.min(hi, Math.max(lo, frameAtSeconds(this.pts, this.timeBase, sec)));
    if (target !== this.state.shown) {
      this.lastDir = rate > 0 ? 1 : -1;
      this.reach = Infinity;
      const f = this.loader.peek(target);
      if (f) {
        this.set({ requested: target });
        this.draw(f);
        this.loader.prefetch(target, this.lastDir, this.reach);
      } else if (this.state.requested !== target) {
        void this.show(target);
      }
    }
    this.raf = requestAnimationFrame(this.tick);
  };
}
