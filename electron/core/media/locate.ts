import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TellframeError } from '../../../shared/errors';

export type FfmpegSource = 'setting' | 'env' | 'bundled' | 'path';

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
  source: FfmpegSource;
}

export interface LocateOptions {
  /** Explicit paths from the app's settings; they win over everything. */
  ffmpeg?: string;
  ffprobe?: string;
  env?: NodeJS.ProcessEnv;
}

const exe = process.platform === 'win32' ? '.exe' : '';

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Inside a packaged app the binaries live in app.asar.unpacked (electron-builder.yml asarUnpack). */
function unpacked(file: string): string {
  return file.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
}

function bundled(): { ffmpeg: string; ffprobe: string } | null {
  const require = createRequire(import.meta.url);
  let ffmpeg: string | null = null;
  let ffprobe: string | null = null;
  try {
    const mod = require('ffmpeg-static') as string | { default?: string } | null;
    ffmpeg = typeof mod === 'string' ? mod : (mod?.default ?? null);
  } catch {
    ffmpeg = null;
  }
  try {
    const mod = require('ffprobe-static') as { path?: string } | null;
    ffprobe = mod?.path ?? null;
  } catch {
    ffprobe = null;
  }
  if (!ffmpeg || !ffprobe) return null;
  ffmpeg = unpacked(ffmpeg);
  ffprobe = unpacked(ffprobe);
  // Only a matched pair: an ffprobe from one build and an ffmpeg from another
  // can disagree about packets and frames, which would break frame truth.
  return isExecutable(ffmpeg) && isExecutable(ffprobe) ? { ffmpeg, ffprobe } : null;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name + exe);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** The ffprobe next to a given ffmpeg, if there is one. */
function sibling(ffmpeg: string): string | null {
  const candidate = path.join(path.dirname(ffmpeg), 'ffprobe' + exe);
  return existsSync(candidate) && isExecutable(candidate) ? candidate : null;
}

/**
 * Where ffmpeg and ffprobe come from, in order: explicit setting,
 * TELLFRAME_FFMPEG / TELLFRAME_FFPROBE, the bundled optional packages
 * (ffmpeg-static + ffprobe-static, both present), then the system PATH.
 */
export function locateFfmpeg(opts: LocateOptions = {}): FfmpegPaths {
  const env = opts.env ?? process.env;
  const pick = (source: FfmpegSource, ffmpeg?: string, ffprobe?: string): FfmpegPaths | null => {
    if (!ffmpeg && !ffprobe) return null;
    const fm = ffmpeg ?? onPath('ffmpeg', env);
    const fp = ffprobe ?? (fm ? sibling(fm) : null) ?? onPath('ffprobe', env);
    for (const [name, file] of [['ffmpeg', fm], ['ffprobe', fp]] as const) {
      if (!file || !isExecutable(file)) {
        const from = source === 'env' ? `TELLFRAME_${name.toUpperCase()}` : 'the settings';
        throw new TellframeError('FFMPEG_MISSING', `${name} was not found at ${file ?? '(unset)'} (from ${from}).`);
      }
    }
    return { ffmpeg: fm!, ffprobe: fp!, source };
  };
  const fromSetting = pick('setting', opts.ffmpeg, opts.ffprobe);
  if (fromSetting) return fromSetting;
  const fromEnv = pick('env', env.TELLFRAME_FFMPEG || undefined, env.TELLFRAME_FFPROBE || undefined);
  if (fromEnv) return fromEnv;
  const b = bundled();
  if (b) return { ...b, source: 'bundled' };
  const fm = onPath('ffmpeg', env);
  const fp = onPath('ffprobe', env);
  if (fm && fp) return { ffmpeg: fm, ffprobe: fp, source: 'path' };
  throw new TellframeError(
    'FFMPEG_MISSING',
    'ffmpeg and ffprobe were not found. Install them (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg) ' +
      'or set TELLFRAME_FFMPEG and TELLFRAME_FFPROBE to their paths.',
  );
}
