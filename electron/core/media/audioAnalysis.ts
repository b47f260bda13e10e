import { closeSync, existsSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import FFT from 'fft.js';
import { TellframeError } from '../../../shared/errors';
import type { FfmpegPaths } from './locate';
import { lastErrorLine, runProcess } from './process';

/**
 * The audio view's data, computed once per file with ffmpeg: the first audio
 * stream decoded to 16 kHz mono (kept as raw PCM in the temp folder, named by
 * the video's content hash), its peaks at 4 ms resolution (kept in the
 * project), and on request a spectrogram of any stretch of it and each
 * video frame's loudness. Time 0 is frame 0: a time measured from frame 0's
 * pts is a time in the audio, with no offset.
 */

export const AUDIO_RATE = 16_000;
/** Bumped when what is kept changes meaning (2: sample 0 is frame 0, gaps kept). */
export const AUDIO_VERSION = 3;
/** Samples per peak bin (4 ms). */
export const PEAK_BIN = 64;
/** Spectrogram: FFT size (32 ms at 16 kHz), and the bands it is shown in. */
export const FFT_SIZE = 512;
export const BANDS = 64;
/** Transforms per spectrogram request, at most (a long column is looked at in several places). */
const MAX_FFTS = 4096;
const BAND_LOW_HZ = 60;
/** dB range mapped to 0–255: -100 dBFS and below is 0, 0 dBFS is 255. */
const DB_FLOOR = -100;

export interface AudioPeaks {
  sampleRate: number;
  samples: number;
  /** Per bin of PEAK_BIN samples: min then max, as -127..127. */
  peaks: Int8Array;
}

/** The PCM cache file of a video's audio (16 kHz mono s16le). */
export function pcmPath(sha256: string): string {
  return path.join(os.tmpdir(), 'tellframe-audio', `${sha256}.16k.pcm`);
}

/**
 * Decode the first audio stream to 16 kHz mono PCM (written to the cache
 * file) and compute its peaks in the same pass. Sample 0 is frame 0's time:
 * ffmpeg keeps the file's timestamps (`-copyts`) and `aresample` pads or
 * trims to them (`async`, `first_pts`), so sound that starts before or after
 * the video, or has gaps in its timestamps (splices, dropped packets), stays
 * on the frames it belongs to. `videoStart` is frame 0's time in seconds on
 * the file's clock.
 */
export async function decodeAudio(
  bins: Pick<FfmpegPaths, 'ffmpeg'>,
  src: string,
  sha256: string,
  videoStart: number,
  opts: { signal?: AbortSignal } = {},
): Promise<AudioPeaks> {
  const out = pcmPath(sha256);
  await mkdir(path.dirname(out), { recursive: true });
  await prunePcmCache(path.dirname(out));
  const part = `${out}.${process.pid}.${Date.now()}.part`;
  const fd = openSync(part, 'w');
  const peaks = new GrowingInt8();
  let samples = 0;
  let binMin = 0;
  let binMax = 0;
  let inBin = 0;
  let carry: Buffer | null = null;
  let failure: Error | null = null;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const onChunk = (chunk: Buffer) => {
    if (failure) return;
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const whole = buf.length - (buf.length % 2);
    carry = whole < buf.length ? Buffer.from(buf.subarray(whole)) : null;
    // A copy: Node's allocations are 8-byte aligned, so its samples can be read as 16-bit integers (little-endian hosts).
    const copy = Buffer.from(buf.subarray(0, whole));
    try {
      // Written as it comes: the pipe waits meanwhile, so memory stays flat however long the audio is.
      writeSync(fd, copy);
    } catch (err) {
      failure = err as Error;
      stop.abort();
      return;
    }
    const pcm = new Int16Array(copy.buffer, copy.byteOffset, whole / 2);
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i]!;
      if (inBin === 0) binMin = binMax = v;
      else if (v < binMin) binMin = v;
      else if (v > binMax) binMax = v;
      if (++inBin === PEAK_BIN) {
        peaks.push(toPeak(binMin), toPeak(binMax));
        inBin = 0;
      }
    }
    samples += pcm.length;
  };
  try {
    const firstPts = Math.round(videoStart * AUDIO_RATE);
    const res = await runProcess(
      bins.ffmpeg,
      ['-nostdin', '-hide_banner', '-loglevel', 'error', '-copyts', '-i', src, '-map', '0:a:0', '-vn', '-sn', '-dn',
        // Resampled first, then padded or trimmed to the timestamps at the new rate (first_pts counts output samples
        // only when no rate changes in the same filter).
        '-af', `aresample=${AUDIO_RATE},aresample=async=1:first_pts=${firstPts}`, '-ac', '1', '-f', 's16le', 'pipe:1'],
      { signal: stop.signal, timeoutMs: 6 * 3600_000, onStdout: onChunk, maxStderr: 64 * 1024 },
    ).catch((err: unknown) => {
      if (failure) return null;
      throw err;
    });
    const wrote = failure as Error | null;
    if (wrote) throw new TellframeError('UNREADABLE', `The audio could not be written to ${path.dirname(out)}: ${wrote.message}`);
    if (!res) throw new TellframeError('ABORTED', 'Cancelled.');
    if (res.code !== 0) throw new TellframeError('FFMPEG_FAILED', `The audio could not be decoded: ${lastErrorLine(res.stderr) || `exit ${res.code}`}`);
    if (inBin > 0) peaks.push(toPeak(binMin), toPeak(binMax));
    closeSync(fd);
    await rename(part, out);
    return { sampleRate: AUDIO_RATE, samples, peaks: peaks.done() };
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* closed already */
    }
    await rm(part, { force: true });
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** An Int8Array that grows by doubling (an hour of peaks is 1.8 M values). */
class GrowingInt8 {
  private buf = new Int8Array(1 << 16);
  private n = 0;
  push(a: number, b: number): void {
    if (this.n + 2 > this.buf.length) {
      const next = new Int8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = a;
    this.buf[this.n++] = b;
  }
  done(): Int8Array {
    return this.buf.slice(0, this.n);
  }
}

/** Cache files kept at most: the PCM of about 35 hours of audio. Older ones go first; stale partial files always. */
const PCM_CACHE_BYTES = 4 * 1024 ** 3;

async function prunePcmCache(dir: string): Promise<void> {
  try {
    const files = (await readdir(dir)).filter((n) => n.endsWith('.pcm') || n.endsWith('.part')).map((n) => {
      const f = path.join(dir, n);
      const st = statSync(f);
      return { f, size: st.size, at: Math.max(st.atimeMs, st.mtimeMs), part: n.endsWith('.part') };
    });
    const now = Date.now();
    for (const x of files) if (x.part && now - x.at > 3600_000) await rm(x.f, { force: true });
    let total = files.filter((x) => !x.part).reduce((n, x) => n + x.size, 0);
    for (const x of files.filter((y) => !y.part).sort((p, q) => p.at - q.at)) {
      if (total <= PCM_CACHE_BYTES) break;
      await rm(x.f, { force: true });
      total -= x.size;
    }
  } catch {
    /* a cache: nothing to do if it cannot be read */
  }
}

function toPeak(v: number): number {
  return Math.max(-127, Math.min(127, Math.round((v / 32768) * 127)));
}

/** Whether the PCM cache of this content is there and whole. */
export function hasPcm(sha256: string, samples: number): boolean {
  const p = pcmPath(sha256);
  return existsSync(p) && statSync(p).size === samples * 2;
}

/** Min and max of the peaks within each interval [edges[k], edges[k+1]) in seconds (-1..1; 0 where there is no audio). */
export function peaksIn(p: AudioPeaks, edges: readonly number[]): { min: number[]; max: number[] } {
  const min: number[] = [];
  const max: number[] = [];
  const bins = p.peaks.length / 2;
  const binSec = PEAK_BIN / p.sampleRate;
  for (let k = 0; k + 1 < edges.length; k++) {
    let a = Math.max(0, Math.floor(edges[k]! / binSec));
    let b = Math.min(bins, Math.ceil(edges[k + 1]! / binSec));
    if (b <= a && a < bins && edges[k + 1]! > 0) b = a + 1;
    if (a >= bins || b <= 0) {
      min.push(0);
      max.push(0);
      continue;
    }
    a = Math.max(0, a);
    let lo = 127;
    let hi = -127;
    for (let i = a; i < b; i++) {
      if (p.peaks[2 * i]! < lo) lo = p.peaks[2 * i]!;
      if (p.peaks[2 * i + 1]! > hi) hi = p.peaks[2 * i + 1]!;
    }
    min.push(lo / 127);
    max.push(hi / 127);
  }
  return { min, max };
}

/** Band edges in FFT bins: BANDS bands spaced evenly in log frequency from BAND_LOW_HZ to Nyquist. */
export function bandBins(sampleRate = AUDIO_RATE, size = FFT_SIZE, bands = BANDS): Int32Array {
  const nyq = sampleRate / 2;
  const edges = new Int32Array(bands + 1);
  for (let b = 0; b <= bands; b++) {
    const hz = BAND_LOW_HZ * Math.pow(nyq / BAND_LOW_HZ, b / bands);
    edges[b] = Math.min(size / 2, Math.max(1, Math.round((hz / sampleRate) * size)));
  }
  // Low bands narrower than one bin share it (see spectrogramIn): edges may repeat, never shift.
  return edges;
}

/** Centre frequency of band b in Hz (for axis labels and tests). */
export function bandHz(b: number, sampleRate = AUDIO_RATE, bands = BANDS): number {
  const nyq = sampleRate / 2;
  return BAND_LOW_HZ * Math.pow(nyq / BAND_LOW_HZ, (b + 0.5) / bands);
}

/**
 * A spectrogram of the intervals [edges[k], edges[k+1]) (seconds): Hann-
 * windowed FFTs of FFT_SIZE samples in each interval (one at its middle, or
 * several spread over a long one), the loudest bin of each of BANDS
 * log-spaced bands, as 0–255 (DB_FLOOR..0 dBFS), column after column. Reads
 * only the samples it needs from the PCM cache, so any zoom costs about the
 * same.
 */
export function spectrogramIn(sha256: string, samples: number, edges: readonly number[]): Uint8Array {
  const cols = Math.max(0, edges.length - 1);
  const out = new Uint8Array(cols * BANDS);
  const fft = new FFT(FFT_SIZE);
  const spec = fft.createComplexArray() as number[];
  const input = new Array<number>(FFT_SIZE);
  const win = hann(FFT_SIZE);
  const bandsAt = bandBins();
  const raw = Buffer.alloc(FFT_SIZE * 2);
  const power = new Float64Array(BANDS);
  // About MAX_FFTS transforms a view in all, whatever the zoom.
  const hops = Math.max(1, Math.floor(MAX_FFTS / Math.max(1, cols)));
  // Full scale: a sine of amplitude 1 gives a peak bin of (N/4)^2 power with a Hann window.
  const ref = (FFT_SIZE / 4) ** 2;
  const fd = openSync(pcmPath(sha256), 'r');
  try {
    for (let k = 0; k < cols; k++) {
      // A long column (zoomed out) is looked at in several places, evenly spread, and keeps the loudest of each band,
      // so a click between column centres still shows; at most `hops` FFTs a column.
      const a = edges[k]! * AUDIO_RATE;
      const b = edges[k + 1]! * AUDIO_RATE;
      const looks = Math.max(1, Math.min(hops, Math.floor((b - a) / FFT_SIZE)));
      power.fill(0);
      let seen = false;
      for (let h = 0; h < looks; h++) {
        const mid = a + ((h + 0.5) / looks) * (b - a);
        const start = Math.round(mid - FFT_SIZE / 2);
        if (start + FFT_SIZE <= 0 || start >= samples) continue;
        seen = true;
        raw.fill(0);
        const from = Math.max(0, start);
        const to = Math.min(samples, start + FFT_SIZE);
        readSync(fd, raw, (from - start) * 2, (to - from) * 2, from * 2);
        for (let i = 0; i < FFT_SIZE; i++) input[i] = (raw.readInt16LE(i * 2) / 32768) * win[i]!;
        fft.realTransform(spec, input);
        for (let band = 0; band < BANDS; band++) {
          for (let i = bandsAt[band]!; i < Math.max(bandsAt[band]! + 1, bandsAt[band + 1]!); i++) {
            const re = spec[2 * i]!;
            const im = spec[2 * i + 1]!;
            power[band] = Math.max(power[band]!, re * re + im * im);
          }
        }
      }
      if (!seen) continue;
      for (let band = 0; band < BANDS; band++) {
        const db = 10 * Math.log10(power[band]! / ref + 1e-12);
        out[k * BANDS + band] = Math.max(0, Math.min(255, Math.round(((db - DB_FLOOR) / -DB_FLOOR) * 255)));
      }
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

/**
 * Each video frame's loudness: the RMS (0..1 of full scale) of the samples
 * within its interval [start_i, start_{i+1}) on the audio clock, where
 * `starts` holds frameCount + 1 times in seconds (the last is the end of the
 * last frame). Read from the PCM cache in 1 MiB pieces, yielding between
 * them, so a long file does not hold the process.
 */
export async function frameEnvelope(sha256: string, samples: number, starts: readonly number[]): Promise<number[]> {
  const n = starts.length - 1;
  const out = new Array<number>(n).fill(0);
  const fh = await open(pcmPath(sha256), 'r');
  const chunk = Buffer.alloc(1 << 20);
  const pcm = new Int16Array(chunk.buffer, chunk.byteOffset, chunk.length / 2);
  try {
    let f = 0;
    let sum = 0;
    let count = 0;
    let first = Math.round(starts[0]! * AUDIO_RATE);
    let next = Math.round(starts[1]! * AUDIO_RATE);
    for (let pos = 0; pos < samples && f < n; pos += pcm.length) {
      const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, (samples - pos) * 2), pos * 2);
      const got = bytesRead / 2;
      for (let i = 0; i < got && f < n; i++) {
        const s = pos + i;
        if (s < first) continue;
        while (f < n && s >= next) {
          out[f] = count ? Math.sqrt(sum / count) : 0;
          f++;
          sum = 0;
          count = 0;
          first = next;
          next = f < n ? Math.round(starts[f + 1]! * AUDIO_RATE) : Infinity;
        }
        if (f >= n) break;
        const v = pcm[i]! / 32768;
        sum += v * v;
        count++;
      }
    }
    if (f < n) out[f] = count ? Math.sqrt(sum / count) : 0;
  } finally {
    await fh.close();
  }
  return out;
}
