import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Core } from '../../electron/core/api';
import { FIXTURE_VERSION, makeFixtures } from '../fixtures/videos';

/** Fixtures are generated once per machine (cached) unless TELLFRAME_FIXTURES points elsewhere. */
export function fixtureDir(): string {
  return process.env.TELLFRAME_FIXTURES ?? path.join(tmpdir(), `tellframe-fixtures-v${FIXTURE_VERSION}`);
}

let fixtures: ReturnType<typeof makeFixtures> | null = null;
export function getFixtures(): ReturnType<typeof makeFixtures> {
  fixtures ??= makeFixtures(fixtureDir());
  return fixtures;
}

export function tempDir(prefix = 'tellframe-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A few indices worth checking in an n-frame video: the ends, the second frame, and some spread between. */
export function sampleIndices(n: number, extra: number[] = []): number[] {
  const picks = new Set([0, 1, n - 2, n - 1, Math.floor(n / 3), Math.floor(n / 2), Math.floor((2 * n) / 3), ...extra]);
  return [...picks].filter((i) => i >= 0 && i < n).sort((a, b) => a - b);
}

/** Import files into a project and return their video ids in order; a file that did not import fails the test, naming it. */
export async function importVideos(core: Core, files: string[]): Promise<number[]> {
  const res = await core.call('media.import', { paths: files });
  return res.items.map((item, i) => {
    if (!item.ok) throw new Error(`${files[i]} did not import: ${item.error.message}`);
    return item.id;
  });
}

/** Import one file and return its video id (see importVideos). */
export async function importVideo(core: Core, file: string): Promise<number> {
  return (await importVideos(core, [file]))[0]!;
}
