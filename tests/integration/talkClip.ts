import path from 'node:path';
import { codeSource, ffmpegBin, run } from '../fixtures/videos';

/**
 * Clips whose sound is known frame by frame: coded video at 25 frames/s and
 * a 1 kHz tone under known frames, silence elsewhere; PCM audio in MKV, so
 * no codec smears the edges.
 *
 * makeTalkClip: 50 frames; one stream starts 0.2 s after the other (`lead`
 * says which comes first); the tone at half scale under frames 10–12 and at
 * quarter scale under frame 30.
 */
export const TALK = { offset: 0.2, rate: 25, frames: 50, loud: [10, 11, 12], quiet: [30], toneHz: 1000 } as const;

/** An aevalsrc expression: the tone at `amp` within each [from, to) seconds of the audio's own time. */
function toneExpr(spans: { from: number; to: number; amp: number }[]): string {
  let e = '0';
  for (const s of [...spans].reverse()) e = `if(between(t\\,${s.from}\\,${s.to - 1e-9})\\,${s.amp}\\,${e})`;
  return `(${e})*sin(2*PI*${TALK.toneHz}*t)`;
}

async function video(out: string, frames: number): Promise<void> {
  const r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', codeSource({ width: 160, height: 48, rate: TALK.rate, pixFmt: 'yuv420p' }),
    '-frames:v', String(frames), '-c:v', 'libx264', '-g', '25', '-bf', '2', '-pix_fmt', 'yuv420p', out]);
  if (r.code !== 0) throw new Error(r.stderr);
}

export async function makeTalkClip(dir: string, name = 'talk.mkv', lead: 'audio' | 'video' = 'audio'): Promise<string> {
  // Frame f is at V0 + f / 25 on the file's clock; the audio's own time 0 is at A0.
  const [v0, a0] = lead === 'audio' ? [TALK.offset, 0] : [0, TALK.offset];
  const at = (frame: number) => v0 + frame / TALK.rate - a0;
  const tone = toneExpr([{ from: at(10), to: at(13), amp: 0.5 }, { from: at(30), to: at(31), amp: 0.25 }]);
  const v = path.join(dir, `${name}.v.mkv`);
  const w = path.join(dir, `${name}.a.wav`);
  await video(v, TALK.frames);
  const a = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', `aevalsrc=${tone}:s=48000:d=2.4`, '-c:a', 'pcm_s16le', w]);
  if (a.code !== 0) throw new Error(a.stderr);
  // The later stream's input is shifted on the shared clock; copied, so frames and samples stay as made.
  const out = path.join(dir, name);
  const inputs = lead === 'audio' ? ['-itsoffset', String(TALK.offset), '-i', v, '-i', w] : ['-i', v, '-itsoffset', String(TALK.offset), '-i', w];
  const r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', ...inputs, '-map', '0:v:0', '-map', '1:a:0', '-c', 'copy', out]);
  if (r.code !== 0) throw new Error(r.stderr);
  return out;
}

/**
 * 75 frames from 0 s, and audio whose timestamps jump by 0.5 s at its 1.0 s
 * (a splice or dropped packets): the tone sounds at 0.4–0.48 s (frames
 * 10–11) before the jump and at 1.6–1.72 s (frames 40–42) after it, on the
 * file's clock. Read back without the timestamps, the second tone would
 * land 0.5 s (12.5 frames) early.
 */
export const GAP = { frames: 75, before: [10, 11], after: [40, 41, 42] } as const;

export async function makeGapClip(dir: string, name = 'gap.mkv'): Promise<string> {
  const v = path.join(dir, `${name}.v.mkv`);
  await video(v, GAP.frames);
  // 10 ms audio frames, so the jump falls on a frame boundary; times before the jump are the audio's own.
  const tone = toneExpr([{ from: 0.4, to: 0.48, amp: 0.5 }, { from: 1.1, to: 1.22, amp: 0.5 }]);
  const out = path.join(dir, name);
  const r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-i', v, '-f', 'lavfi', '-i', `aevalsrc=${tone}:s=48000:d=2.4:n=480`,
    '-map', '0:v:0', '-map', '1:a:0', '-c:v', 'copy', '-af', 'asetpts=if(gte(T\\,1)\\,PTS+0.5/TB\\,PTS)', '-c:a', 'pcm_s16le', out]);
  if (r.code !== 0) throw new Error(r.stderr);
  return out;
}
