import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectStore, type NewMedia } from '../../electron/core/project/store';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'tellframe-store-'));

const media = (sha: string): NewMedia => ({
  path: `/videos/${sha}.mp4`, sha256: sha, size: 10, mtimeMs: 1, probeJson: '{}', formatName: 'mp4', formatStartUs: 0, streamIndex: 0,
  codec: 'h264', pixFmt: 'yuv420p', width: 4, height: 4, tbNum: 1, tbDen: 25, pts: [0, 1, 2], key: [true, false, false], endPts: 3,
  vfr: false, indexMethod: 'packets', indexNotes: [],
});

describe('ProjectStore', () => {
  it('creates a WAL project with foreign keys, the default taxonomy and an audit trail', () => {
    const file = path.join(tmp(), 'p.tellframe');
    const s = ProjectStore.create(file, 'ana');
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(s.labels().map((l) => l.id)).toEqual([
      'blink_anomaly', 'lighting_inconsistency', 'lip_sync_mismatch', 'edge_artifact', 'blur_anomaly',
      'skin_tone_anomaly', 'facial_distortion', 'audio_anomaly', 'metadata_anomaly',
    ]);
    expect(s.labels().map((l) => l.hotkey)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(s.labels().find((l) => l.id === 'metadata_anomaly')!.scope).toBe('video');
    expect(s.auditEntries().map((e) => [e.actor, e.action])).toEqual([['ana', 'project.create'], ['ana', 'labels.seed']]);
    s.close();
  });

  it('refuses to overwrite, and refuses files that are not projects', () => {
    const dir = tmp();
    const file = path.join(dir, 'p.tellframe');
    ProjectStore.create(file).close();
    expect(() => ProjectStore.create(file)).toThrow(/already exists/);
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'hello');
    expect(() => ProjectStore.open(text)).toThrow(/not a Tellframe project/);
    const other = path.join(dir, 'other.db');
    new Database(other).exec('CREATE TABLE t(x)');
    expect(() => ProjectStore.open(other)).toThrow(/not a Tellframe project/);
    expect(() => ProjectStore.open(path.join(dir, 'missing.tellframe'))).toThrow(/No project/);
  });

  it('stores media with the frame index and an audit row in one transaction', () => {
    const file = path.join(tmp(), 'p.tellframe');
    const s = ProjectStore.create(file, 'ana');
    const id = s.addMedia(media('aa'), 'ana');
    expect(s.frames(id)).toEqual({ pts: [0, 1, 2], key: [true, false, false] });
    expect(s.mediaBySha('aa')!.frame_count).toBe(3);
    // A duplicate hash fails and leaves neither media, frames nor audit behind.
    const before = s.auditEntries().length;
    expect(() => s.addMedia(media('aa'), 'ana')).toThrow();
    expect(s.auditEntries().length).toBe(before);
    expect(s.listMedia()).toHaveLength(1);
    expect(s.auditEntries().at(-1)!.action).toBe('media.import');
    s.close();
    const again = ProjectStore.open(file);
    expect(again.verifyAudit()).toEqual({ rows: 3, brokenAt: null });
    again.close();
  });

  it('verify finds a tampered audit row even when the guard triggers are dropped', () => {
    const file = path.join(tmp(), 'p.tellframe');
    const s = ProjectStore.create(file, 'ana');
    s.addMedia(media('bb'), 'ana');
    s.close();
    const raw = new Database(file);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    raw.close();
    const t = ProjectStore.open(file);
    expect(t.verifyAudit()).toEqual({ rows: 2, brokenAt: 2 });
    t.close();
  });

  it('pages through the audit chain newest first, filtered by action, actor and literal text', () => {
    const s = ProjectStore.create(path.join(tmp(), 'q.tellframe'), 'ana');
    for (let i = 0; i < 30; i++) s.appendAudit(i % 2 ? 'bob' : 'ana', i % 3 ? 'annotation.create' : 'label.create', { n: i, note: i === 7 ? '50% off_the_mark' : `note ${i}` });
    const all = s.auditQuery({ limit: 10 });
    expect(all.rows).toBe(32);
    expect(all.total).toBe(32);
    expect(all.entries.map((e) => e.seq)).toEqual([32, 31, 30, 29, 28, 27, 26, 25, 24, 23]);
    expect(s.auditQuery({ limit: 10, before: 23 }).entries[0]!.seq).toBe(22);
    expect(all.actions).toEqual(['annotation.create', 'label.create', 'labels.seed', 'project.create']);
    expect(all.actors).toEqual(['ana', 'bob']);
    const bobCreates = s.auditQuery({ action: 'annotation.create', actor: 'bob', limit: 100 });
    expect(bobCreates.total).toBe(bobCreates.entries.length);
    expect(bobCreates.entries.every((e) => e.actor === 'bob' && e.action === 'annotation.create')).toBe(true);
    expect(bobCreates.total).toBe(10);
    // % and _ are matched literally, not as LIKE wildcards.
    expect(s.auditQuery({ text: '50% off_the', limit: 10 }).entries.map((e) => JSON.parse(e.payload).n)).toEqual([7]);
    expect(s.auditQuery({ text: '%', limit: 10 }).total).toBe(1);
    expect(s.auditQuery({ text: 'no such text', limit: 10 }).total).toBe(0);
    s.close();
  });

  it("finds text with quotes and backslashes as written, and keeps a video's custody log to its own rows even past an altered row", () => {
    const file = path.join(tmp(), 'c.tellframe');
    const s = ProjectStore.create(file, 'ana');
    s.appendAudit('ana', 'export', { formats: ['json'], videos: 'all' });
    const id = s.addMedia(media('c'.repeat(64)), 'ana');
    const other = s.addMedia(media('d'.repeat(64)), 'ana');
    s.appendAudit('ana', 'media.verify', { id, status: 'ok' });
    s.appendAudit('ana', 'note', { path: 'C:\\clips\\a "b".mp4' });
    s.appendAudit('ana', 'export', { formats: ['csv'], videos: [other] });
    s.appendAudit('ana', 'export', { formats: ['json'], videos: 'all' });
    expect(s.auditQuery({ text: 'C:\\clips\\a "b"', limit: 10 }).total).toBe(1);
    const log = () => s.auditQuery({ videoId: id, limit: 50 }).entries.map((e) => `${e.action}${e.action === 'export' ? ':' + JSON.stringify(JSON.parse(e.payload).videos) : ''}`).reverse();
    // The export of "all" before the video came in is not part of its custody; the one of another video neither.
    expect(log()).toEqual(['media.import', 'media.verify', 'export:"all"']);
    // A row altered into something that is not JSON does not hide the rest.
    const raw = new Database(file);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare("UPDATE audit_log SET payload = '{broken' WHERE action = 'media.verify'").run();
    raw.close();
    expect(log()).toEqual(['media.import', 'export:"all"']);
    s.close();
  });
});
