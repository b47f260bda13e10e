import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { launchChromium } from '../../electron/core/report/chromium';
import { formatTimecode } from '../../shared/time';
import { ffmpegBin, readCode, referenceDecode, run, type ReferenceDecode } from '../fixtures/videos';
import { getFixtures, importVideo, tempDir } from './helpers';
import { untilDone } from './jobs';

/**
 * Evidence reports: the right hashes, frames, times and timecodes in the
 * HTML and in the PDF's text (pdftotext), exact stills, hostile text kept as
 * text, nothing changed in the project but one custody row, and no report
 * of a file that changed.
 */
const HOSTILE_LABEL = '<script>alert("label")</script>';
const HOSTILE_NOTE = '<img src=x onerror="alert(1)"> </style><h1>big</h1> & "quotes"';
const STATEMENT = 'Seam at the jaw line; <b>not</b> in the neighbours.';
const HOSTILE_TAG = '"><svg onload=alert(2)>';
const CASE = 'CASE-2026/17 <i>sealed</i>';

let dir: string;
let video: string;
let core: Core;
let id: number;
let ref: ReferenceDecode;
const sha = (f: string) => execFileSync('sha256sum', [f], { encoding: 'utf8' }).split(' ')[0]!;
const md5 = (f: string) => execFileSync('md5sum', [f], { encoding: 'utf8' }).split(' ')[0]!;

beforeAll(async () => {
  const fx = await getFixtures();
  dir = tempDir('tellframe-report-');
  video = path.join(dir, 'clip <vfr>.mp4');
  // The fixture with hostile text in its container tags (the report prints tags).
  const made = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-i', fx.h264_vfr.path, '-c', 'copy', '-map', '0', '-metadata', `title=${HOSTILE_TAG}`, video]);
  if (made.code !== 0) throw new Error(made.stderr);
  ref = await referenceDecode(video);
  core = Core.create(path.join(dir, 'case.tellframe'), { actor: 'ana' });
  id = await importVideo(core, video);
  await core.call('labels.update', { id: 'edge_artifact', patch: { name: HOSTILE_LABEL } });
  const seg = await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'lip_sync_mismatch', startFrame: 10, endFrame: 19, attributes: { severity: 'obvious' }, note: HOSTILE_NOTE });
  await core.call('annotations.setFinding', { id: seg.id, finding: { status: 'warning', statement: HOSTILE_NOTE, frame: 14 } });
  const box = await core.call('annotations.create', {
    kind: 'region_track', videoId: id, label: 'edge_artifact',
    keyframes: [{ frame: 30, shape: 'box', points: [[10, 10], [50, 40]] }, { frame: 40, shape: 'box', points: [[30, 20], [70, 50]] }],
  });
  await core.call('annotations.setFinding', { id: box.id, finding: { status: 'to_check', statement: STATEMENT, frame: 35 } });
  // An annotation that is not a finding stays out of the findings.
  await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blink_anomaly', frame: 50 });
  await core.call('verdict.set', { videoId: id, value: 'fake', method: 'face_swap', confidence: 0.8, note: 'jaw seams' });
}, 300_000);
afterAll(() => core?.close());

/** Every table but the audit log, as rows: what a report must not change. */
function projectState(c: Core): string {
  const tables = (c.store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'audit_log' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  return JSON.stringify(tables.map((t) => [t, c.store.db.prepare(`SELECT * FROM "${t}"`).raw().all()]), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
}

const tb = () => {
  const [n, d] = ref.timeBase.split('/').map(Number);
  return n! / d!;
};
const secondsOf = (f: number) => (ref.pts[f]! - ref.pts[0]!) * tb();

describe('evidence report', () => {
  it('writes HTML, PDF, exact stills and a manifest, with the file identity, findings on exact frames, and the chain head; changes nothing but one custody row', async () => {
    const out = path.join(dir, 'report one');
    const before = projectState(core);
    const rowsBefore = core.store.auditEntries().length;
    const headBefore = core.store.auditHead();
    const summary = await core.call('media.get', { id });
    const original = { sha256: sha(video), mtimeMs: statSync(video).mtimeMs };
    const fractions: number[] = [];
    const r = await core.reportRun(
      { videoId: id, out, caseNumber: CASE, analyst: 'Ana Analyst', neighbours: 1, pdf: true, overwrite: false, allowFailedCheck: false },
      { onProgress: (p) => fractions.push(p.fraction) },
    );
    expect(r).toMatchObject({ findings: 2, stills: 6, media: 'ok', auditOk: true, auditHead: headBefore });
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);

    // The original was only read.
    expect({ sha256: sha(video), mtimeMs: statSync(video).mtimeMs }).toEqual(original);
    // The project: unchanged but for one custody row, which names the report.
    expect(projectState(core)).toBe(before);
    const rows = core.store.auditEntries();
    expect(rows.length).toBe(rowsBefore + 1);
    expect(rows.at(-1)!.action).toBe('report');
    expect(JSON.parse(rows.at(-1)!.payload)).toMatchObject({ id, out, caseNumber: CASE, manifestSha256: r.manifestSha256, auditHead: headBefore });
    const custody = await core.call('audit.query', { videoId: id });
    expect(custody.entries[0]!.action).toBe('report');
    // A later reader, with the head the report states: found, and only the report's own row since.
    const v = await core.call('project.verify', { head: headBefore });
    expect(v.ok).toBe(true);
    expect(v.since).toMatchObject({ head: headBefore, seq: rowsBefore, afterCount: 1, after: [{ seq: rowsBefore + 1, action: 'report' }] });
    expect((await core.call('project.verify', { head: 'f'.repeat(64) })).ok).toBe(false);

    // The files, each in the manifest.
    expect(readdirSync(out).sort()).toEqual(['MANIFEST.sha256', 'report.html', 'report.pdf', 'stills']);
    expect(spawnSync('sha256sum', ['-c', '--strict', 'MANIFEST.sha256'], { cwd: out }).status).toBe(0);
    expect(sha(path.join(out, 'MANIFEST.sha256'))).toBe(r.manifestSha256);

    // Stills: the finding's frame and one neighbour each side, each the exact decoded frame.
    const stills = readdirSync(path.join(out, 'stills')).sort();
    expect(stills).toEqual([13, 14, 15, 34, 35, 36].map((f) => `frame_${String(f).padStart(6, '0')}.png`));
    for (const s of stills) {
      const png = PNG.sync.read(readFileSync(path.join(out, 'stills', s)));
      const f = Number(s.slice(6, 12));
      expect(readCode(png.data, png.width, png.height), s).toBe(ref.codes[f]);
    }

    const html = readFileSync(r.html, 'utf8');
    // Hostile text is text: no script, no injected element, the CSP forbids both anyway.
    expect(html).not.toMatch(/<script|<img src=x|<h1>big|<svg onload|<i>sealed/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;label&quot;)&lt;/script&gt;');
    expect(html).toContain('title=&quot;&gt;&lt;svg onload=alert(2)&gt;');
    expect(html).toContain('CASE-2026/17 &lt;i&gt;sealed&lt;/i&gt;');
    // The region drawn over each still of the box track: the shape at that frame, interpolated between
    // keyframes 30 (10,10)–(50,40) and 40 (30,20)–(70,50), dashed because none of 34–36 is a keyframe.
    for (const f of [34, 35, 36]) {
      const t = (f - 30) / 10;
      const fig = new RegExp(`<figure class="still[^"]*"><div class="pic"><img alt="frame ${f}"[^>]*><svg ([^>]*)><rect x="([\\d.]+)" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)"/></svg>`).exec(html);
      expect(fig, `frame ${f}`).not.toBeNull();
      expect(fig![1]).toContain('stroke-dasharray');
      expect(fig![1]).toContain('viewBox="0 0 160 120"');
      expect(Number(fig![2])).toBeCloseTo(10 + 20 * t, 9);
      expect(Number(fig![3])).toBeCloseTo(10 + 10 * t, 9);
      expect(Number(fig![4])).toBeCloseTo(40, 9);
      expect(Number(fig![5])).toBeCloseTo(30, 9);
    }
    // The segment's stills carry no region.
    expect(/<img alt="frame 14"[^>]*><\/div>/.test(html)).toBe(true);
    expect(html).toContain("default-src 'none'");
    // The ffmpeg build, as `ffmpeg -version` gives it.
    const configure = /configuration: (.*)/.exec(execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }))![1]!.trim();
    expect(html).toContain(configure);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      const dom = await page.evaluate(() => ({
        scripts: document.querySelectorAll('script').length,
        imgs: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src')!.slice(0, 23)),
        h1: [...document.querySelectorAll('h1')].map((h) => h.textContent),
        text: document.body.innerText,
      }));
      expect(dom.scripts).toBe(0);
      expect(dom.h1).toEqual(['Evidence report']);
      // Three stills per finding, each embedded.
      expect(dom.imgs).toEqual(Array(6).fill('data:image/jpeg;base64,'));
      expect(dom.text).toContain(HOSTILE_LABEL);
      expect(dom.text).toContain(HOSTILE_NOTE);
      expect(dom.text).toContain(HOSTILE_TAG);
    } finally {
      await browser.close();
    }

    // The PDF's text: case, analyst, hashes, frames, pts-derived times and timecodes, statements, the chain head.
    const text = execFileSync('pdftotext', ['-layout', r.pdf!, '-'], { encoding: 'utf8' });
    const flat = text.replace(/\s+/g, '');
    expect(text).toContain(CASE);
    expect(text).toContain('Ana Analyst');
    expect(flat).toContain(sha(video));
    expect(flat).toContain(md5(video));
    expect(flat).toContain(headBefore);
    expect(flat).toContain(HOSTILE_LABEL.replace(/\s+/g, ''));
    expect(flat).toContain(STATEMENT.replace(/\s+/g, ''));
    for (const f of [13, 14, 15, 34, 35, 36]) {
      expect(text).toMatch(new RegExp(`frame ${f}\\b`));
      // Time from the decoded pts (this file's frames last 30–60 ms: index × fps would be wrong).
      expect(text).toContain(`${secondsOf(f).toFixed(6)} s`);
      expect(text).toContain(formatTimecode(secondsOf(f), summary.frameRate!));
    }
    // The segment's span: frames 10–19, from frame 10's start to the end of frame 19 (frame 20's pts).
    expect(text).toMatch(/10–19/);
    expect(text).toContain(`${secondsOf(10).toFixed(6)} s – ${secondsOf(20).toFixed(6)} s`);
    expect(text).toMatch(/fake/);
    expect(text).toMatch(/face_swap/);
  }, 180_000);

  it('refuses to report on a file that changed or a broken chain, writing nothing; with consent the report says so at its top', async () => {
    const out = path.join(dir, 'refused');
    const rows = core.store.auditEntries().length;
    const saved = readFileSync(video);
    const bytes = Buffer.from(saved);
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1);
    writeFileSync(video, bytes);
    try {
      const base = { videoId: id, out, caseNumber: '', neighbours: 0, pdf: false, overwrite: false, allowFailedCheck: false };
      const res = await core.dispatch('report.start', base);
      expect(res.ok).toBe(true);
      const job = await untilDone(core, 'report.status', (res as { ok: true; value: { jobId: string } }).value.jobId);
      expect(job).toMatchObject({ state: 'failed', error: { code: 'BAD_INPUT', message: expect.stringContaining('has changed since import') } });
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((n) => n.includes('.partial-'))).toEqual([]);
      expect(core.store.auditEntries().length).toBe(rows);

      const r = await core.reportRun({ ...base, allowFailedCheck: true });
      expect(r.media).toBe('changed');
      const html = readFileSync(r.html, 'utf8');
      expect(html).toContain('INTEGRITY CHECK FAILED');
      expect(html).toContain(sha(video));
      expect(JSON.parse(core.store.auditEntries().at(-1)!.payload)).toMatchObject({ media: 'changed' });
    } finally {
      writeFileSync(video, saved);
    }

    // Stored data edited outside the app is checked before it is printed: refused, naming where.
    const seg = (await core.call('annotations.list', { videoId: id })).find((a) => a.kind === 'segment')!;
    const kept = (core.store.db.prepare('SELECT finding FROM annotations WHERE id = ?').get(seg.id) as { finding: string }).finding;
    core.store.db.prepare('UPDATE annotations SET finding = ? WHERE id = ?').run(JSON.stringify({ status: 'x"><script>alert(3)</script>', statement: '', frame: 14 }), seg.id);
    try {
      await expect(core.reportRun({ videoId: id, out: path.join(dir, 'tampered'), caseNumber: '', neighbours: 0, pdf: false, overwrite: false, allowFailedCheck: true }))
        .rejects.toMatchObject({ code: 'PROJECT_INVALID', message: expect.stringMatching(/finding\.status/) });
      expect(existsSync(path.join(dir, 'tampered'))).toBe(false);
    } finally {
      core.store.db.prepare('UPDATE annotations SET finding = ? WHERE id = ?').run(kept, seg.id);
    }

    // A broken audit chain is refused too.
    const seq = core.store.auditEntries().find((e) => e.action === 'finding.set')!.seq;
    // Altered behind the app's back: the guard trigger dropped first (and put back after).
    const guard = (core.store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'").get() as { sql: string }).sql;
    core.store.db.exec('DROP TRIGGER audit_log_no_update');
    core.store.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?").run(seq);
    const broken = await core.dispatch('report.start', { videoId: id, out: path.join(dir, 'broken'), pdf: false });
    const job = await untilDone(core, 'report.status', (broken as { ok: true; value: { jobId: string } }).value.jobId);
    expect(job.error?.message).toContain(`audit chain is broken at row ${seq}`);
    core.store.db.prepare("UPDATE audit_log SET actor = 'ana' WHERE seq = ?").run(seq);
    core.store.db.exec(guard);
    expect(core.store.verifyAudit().brokenAt).toBeNull();
  }, 120_000);

  it('a cancelled report leaves nothing: no folder, no staging folder, no custody row', async () => {
    const rows = core.store.auditEntries().length;
    const out = path.join(dir, 'cancelled');
    for (const at of ['check', 'stills', 'pdf']) {
      const ac = new AbortController();
      const p = core.reportRun(
        { videoId: id, out, caseNumber: '', neighbours: 3, pdf: true, overwrite: false, allowFailedCheck: false },
        { signal: ac.signal, onProgress: (x) => x.step === at && ac.abort() },
      );
      await expect(p, at).rejects.toMatchObject({ code: 'ABORTED' });
      expect(existsSync(out), at).toBe(false);
      expect(readdirSync(dir).filter((n) => n.includes('.partial-')), at).toEqual([]);
    }
    expect(core.store.auditEntries().length).toBe(rows);
  }, 120_000);

  it('refuses a folder that is not empty, and the command line writes an HTML-only report', async () => {
    const busy = path.join(dir, 'busy');
    execFileSync('mkdir', ['-p', busy]);
    writeFileSync(path.join(busy, 'keep.txt'), 'x');
    const res = await core.dispatch('report.start', { videoId: id, out: busy, pdf: false });
    const job = await untilDone(core, 'report.status', (res as { ok: true; value: { jobId: string } }).value.jobId);
    expect(job.error?.message).toMatch(/not empty/);
    expect(readFileSync(path.join(busy, 'keep.txt'), 'utf8')).toBe('x');
    expect(await core.dispatch('report.start', { videoId: id, out: busy, neighbours: 9 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });

    const project = core.store.file;
    core.close();
    try {
      const out = path.join(dir, 'cli report');
      const bin = path.resolve('bin/tellframe.js');
      const r = spawnSync(process.execPath, [bin, 'report', project, '--video', String(id), '--out', out, '--case', 'C-1', '--no-pdf', '--neighbours', '0'], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Wrote .*report\.html: 2 findings, 2 stills/);
      expect(readdirSync(out).sort()).toEqual(['MANIFEST.sha256', 'report.html', 'stills']);
      const again = spawnSync(process.execPath, [bin, 'report', project, '--video', String(id), '--out', out], { encoding: 'utf8', timeout: 120_000 });
      expect(again.status).not.toBe(0);
      expect(again.stderr).toMatch(/not empty/);
      const head = /audit head ([0-9a-f]{64})/.exec(r.stdout)![1]!;
      const verify = spawnSync(process.execPath, [bin, 'verify', project, '--head', head], { encoding: 'utf8', timeout: 120_000 });
      expect(verify.status, verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(new RegExp(`Head ${head} is row \\d+; 1 change was recorded since:\\n  \\d+  \\S+  \\S+  report`));
      const stranger = spawnSync(process.execPath, [bin, 'verify', project, '--head', 'a'.repeat(64)], { encoding: 'utf8', timeout: 120_000 });
      expect(stranger.status).toBe(1);
      expect(stranger.stdout).toContain('is NOT in this project');
    } finally {
      core = Core.open(project, { actor: 'ana' });
    }
  }, 120_000);
});
