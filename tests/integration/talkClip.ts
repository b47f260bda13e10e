import path from 'node:path';
import { codeSource, ffmpegBin, run } from '../fixtures/videos';

/**
 * A clip whose sound is known frame by frame: 50 frames at 25/s of coded
 * video starting 0.2 s after the audio, and a 1 kHz tone at half scale
 * under frames 10–12 and at quarter scale under frame 30 (on the audio
 * clock: 0.2 s + frame / 25), silence elsewhere. PCM audio in MKV, so no
 * codec smears the edges.
 */
export const TALK = { offset: 0.2, rate: 25, frames: 50, loud: [10, 11, 12], quiet: [30], toneHz: 1000 } as const;

export async function makeTalkClip(dir: string, name = 'talk.mkv'): Promise<string> {
  const at = (frame: number) => TALK.offset + frame / TALK.rate;
  const tone = `if(between(t\\,${at(10)}\\,${at(13) - 1e-9})\\,0.5\\,if(between(t\\,${at(30)}\\,${at(31) - 1e-9})\\,0.25\\,0))*sin(2*PI*${TALK.toneHz}*t)`;
  const v = path.join(dir, `${name}.v.mkv`);
  const w = path.join(dir, `${name}.a.wav`);
  const made = await Promise.all([
    run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', codeSource({ width: 160, height: 48, rate: TALK.rate, pixFmt: 'yuv420p' }),
      '-frames:v', String(TALK.frames), '-c:v', 'libx264', '-g', '25', '-bf', '2', '-pix_fmt', 'yuv420p', v]),
    run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', `aevalsrc=${tone}:s=16000:d=2.4`, '-c:a', 'pcm_s16le', w]),
  ]);
  for (const r of made) if (r.code !== 0) throw new Error(r.stderr);
  // The video input shifted 0.2 s later on the shared clock; copied, so frames and samples stay as made.
  const out = path.join(dir, name);
  const r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-itsoffset', String(TALK.offset), '-i', v, '-i', w, '-map', '0:v:0', '-map', '1:a:0', '-c', 'copy', out]);
  if (r.code !== 0) throw new Error(r.stderr);
  return out;
}
