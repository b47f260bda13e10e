import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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
 * video frame's loudness. Time 0 is the audio stream's own start, as for
 * playback; the caller maps frames to it with the stored pts.
 */

export const AUDIO_RATE = 16_000;
/** Samples per peak bin (4 ms). */
export const PEAK_BIN = 64;
/** Spectrogram: FFT size (32 ms at 16 kHz), and the bands it is shown in. */
export const FFT_SIZE = 512;
export const BANDS = 64;
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
 * file) and compute its peaks in the same pass. Returns null when the file
 * has no audio stream.
 */
export async function decodeAudio(
  bins: Pick<FfmpegPaths, 'ffmpeg'>,
  src: string,
  sha256: string,
  opts: { signal?: AbortSignal; onProgress?: (seconds: number) => void } = {},
): Promise<AudioPeaks> {
  const out = pcmPath(sha256);
  await mkdir(path.dirname(out), { recursive: true });
  const part = `${out}.${process.pid}.${Date.now()}.part`;
  const fh = await open(part, 'w');
  const peaks: number[] = [];
  let samples = 0;
  let binMin = 0;
  let binMax = 0;
  let inBin = 0;
  let carry: Buffer | null = null;
  let pending = Promise.resolve();
  const onChunk = (chunk: Buffer) => {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const whole = buf.length - (buf.length % 2);
    carry = whole < buf.length ? Buffer.from(buf.subarray(whole)) : null;
    buf = buf.subarray(0, whole);
    const copy = Buffer.from(buf);
    pending = pending.then(() => fh.write(copy).then(() => undefined));
    // The copy is freshly allocated (aligned): read its samples as 16-bit integers (little-endian hosts).
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
    samples += whole / 2;
    if (samples % (AUDIO_RATE * 10) < whole / 2) opts.onProgress?.(samples / AUDIO_RATE);
  };
  try {
    const res = await runProcess(
      bins.ffmpeg,
      ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', src, '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1', '-ar', String(AUDIO_RATE), '-f', 's16le', 'pipe:1'],
      { signal: opts.signal, timeoutMs: 6 * 3600_000, onStdout: onChunk, maxStderr: 64 * 1024 },
    );
    await pending;
    if (res.code !== 0) throw new TellframeError('FFMPEG_FAILED', `The audio could not be decoded: ${lastErrorLine(res.stderr) || `exit ${res.code}`}`);
    if (inBin > 0) peaks.push(toPeak(binMin), toPeak(binMax));
    await fh.close();
    await rename(part, out);
    return { sampleRate: AUDIO_RATE, samples, peaks: Int8Array.from(peaks) };
  } catch (err) {
    await pending.catch(() => undefined);
    await fh.close().catch(() => undefined);
    await rm(part, { force: true });
    throw err;
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
 * A spectrogram of the intervals [edges[k], edges[k+1]) (seconds): one
 * Hann-windowed FFT of FFT_SIZE samples at each interval's middle, its power
 * summed into BANDS log-spaced bands, as 0–255 (DB_FLOOR..0 dBFS), column
 * after column. Reads only the samples it needs from the PCM cache, so any
 * zoom costs one FFT per column.
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
  // Full scale: a sine of amplitude 1 gives a peak bin of (N/4)^2 power with a Hann window.
  const ref = (FFT_SIZE / 4) ** 2;
  const fd = openSync(pcmPath(sha256), 'r');
  try {
    for (let k = 0; k < cols; k++) {
      const mid = ((edges[k]! + edges[k + 1]!) / 2) * AUDIO_RATE;
      const start = Math.round(mid - FFT_SIZE / 2);
      if (start + FFT_SIZE <= 0 || start >= samples) continue;
      raw.fill(0);
      const from = Math.max(0, start);
      const to = Math.min(samples, start + FFT_SIZE);
      readSync(fd, raw, (from - start) * 2, (to - from) * 2, from * 2);
      for (let i = 0; i < FFT_SIZE; i++) input[i] = (raw.readInt16LE(i * 2) / 32768) * win[i]!;
      fft.realTransform(spec, input);
      for (let b = 0; b < BANDS; b++) {
        let power = 0;
        for (let i = bandsAt[b]!; i < Math.max(bandsAt[b]! + 1, bandsAt[b + 1]!); i++) {
          const re = spec[2 * i]!;
          const im = spec[2 * i + 1]!;
          power = Math.max(power, re * re + im * im);
        }
        const db = 10 * Math.log10(power / ref + 1e-12);
        out[k * BANDS + b] = Math.max(0, Math.min(255, Math.round(((db - DB_FLOOR) / -DB_FLOOR) * 255)));
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
 * last frame). Read from the PCM cache in one pass.
 */
export function frameEnvelope(sha256: string, samples: number, starts: readonly number[]): number[] {
  const n = starts.length - 1;
  const out = new Array<number>(n).fill(0);
  const fd = openSync(pcmPath(sha256), 'r');
  const chunk = Buffer.alloc(1 << 20);
  try {
    let f = 0;
    let sum = 0;
    let count = 0;
    let next = Math.round(starts[1]! * AUDIO_RATE);
    let first = Math.round(starts[0]! * AUDIO_RATE);
    for (let pos = 0; pos < samples && f < n; pos += chunk.length / 2) {
      const got = readSync(fd, chunk, 0, Math.min(chunk.length, (samples - pos) * 2), pos * 2) / 2;
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
        const v = chunk.readInt16LE(i * 2) / 32768;
        sum += v * v;
        count++;
      }
    }
    if (f < n) out[f] = count ? Math.sqrt(sum / count) : 0;
  } finally {
    closeSync(fd);
  }
  return out;
}
