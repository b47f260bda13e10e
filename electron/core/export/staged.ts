import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { TellframeError } from '../../../shared/errors';

/**
 * Folders written whole or not at all (exports and reports): the content is
 * written into a hidden staging folder beside the destination and moved into
 * place only when complete.
 */

/**
 * Refuse a destination that holds something, unless overwriting was asked
 * for; and even then replace only an earlier export or report (a folder with
 * a MANIFEST.sha256), never a folder that holds the project or anything else.
 */
export async function checkDestination(out: string, overwrite: boolean, projectFile: string | null): Promise<void> {
  if (projectFile && (projectFile === out || projectFile.startsWith(out + path.sep))) {
    throw new TellframeError('BAD_INPUT', `${out} holds the project file; choose another folder.`);
  }
  if (!existsSync(out)) return;
  const st = await stat(out);
  if (!st.isDirectory()) throw new TellframeError('BAD_INPUT', `${out} exists and is not a folder.`);
  const entries = await readdir(out);
  if (entries.length === 0) return;
  if (!overwrite) throw new TellframeError('BAD_INPUT', `${out} is not empty; choose an empty or new folder, or allow overwriting.`);
  if (!entries.includes('MANIFEST.sha256')) {
    throw new TellframeError('BAD_INPUT', `${out} is not an earlier export or report (it has no MANIFEST.sha256), so it is not replaced; choose an empty or new folder.`);
  }
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Every file under dir, as /-separated paths relative to it. */
export async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out;
}

/** Create the staging folder for `out` (beside it, hidden). */
export async function makeStaging(out: string): Promise<string> {
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(path.dirname(out), { recursive: true });
    await mkdir(tmp);
  } catch (err) {
    throw new TellframeError('BAD_INPUT', `Cannot write into ${path.dirname(out)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  return tmp;
}

/**
 * Move a finished staging folder into place. The destination is checked
 * again (it may have changed during long work); an old folder (empty, or an
 * earlier export replaced on request) goes aside first and comes back if the
 * move fails.
 */
export async function placeStaged(tmp: string, out: string, overwrite: boolean, projectFile: string | null): Promise<void> {
  await checkDestination(out, overwrite, projectFile);
  let aside: string | null = null;
  if (existsSync(out)) {
    aside = `${tmp}.old`;
    await rename(out, aside);
  }
  try {
    await rename(tmp, out);
  } catch (err) {
    if (aside) await rename(aside, out);
    throw new TellframeError('BAD_INPUT', `Cannot move the result into ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  if (aside) await rm(aside, { recursive: true, force: true });
}
