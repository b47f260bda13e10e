import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../electron/core/project/migrations';

const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);

/** One video row with the columns every schema since 002 has (as a project of that time held it); its id. */
function oneVideo(db: Database.Database): number {
  return Number(db.prepare(
    `INSERT INTO media(path, sha256, size, mtime_ms, probe_json, format_name, format_start_us, stream_index, codec, pix_fmt, width, height,
      tb_num, tb_den, frame_count, first_pts, end_pts, vfr, index_method, index_notes, imported_at)
     VALUES ('/a.mp4', 'aa', 1, 0, '{}', 'mp4', 0, 0, 'h264', NULL, 2, 2, 1, 25, 1, 0, 1, 0, 'packets', '[]', 't')`,
  ).run().lastInsertRowid);
}

/** A verdict 'x' on that video, with only the columns every version since 004 has. */
function oneVerdict(db: Database.Database, media: number): void {
  db.prepare(
    `INSERT INTO annotations(id, media_id, kind, label_id, start_frame, end_frame, start_pts, end_pts, attributes, note, annotator, created_at, updated_at)
     VALUES ('x', ?, 'verdict', NULL, 0, 0, 0, 1, '{}', '', 'u', 't', 't')`,
  ).run(media);
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('001 creates meta and an append-only audit_log', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toBe(1);
    expect(tables(db)).toEqual(['audit_log', 'meta']);
    db.prepare("INSERT INTO audit_log VALUES (1, 't', 'a', 'x', '{}', 'p', 'h')").run();
    expect(() => db.prepare("UPDATE audit_log SET actor = 'b'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  it('002 adds media and the per-frame index, cascading and unique by hash, keeping earlier data', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 1);
    db.prepare("INSERT INTO meta VALUES ('app', 'tellframe')").run();
    expect(migrate(db, 2)).toBe(2);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'app'").get()).toEqual({ value: 'tellframe' });
    expect(columns(db, 'frames')).toEqual(['media_id', 'n', 'pts', 'key']);
    expect(columns(db, 'media')).toEqual(expect.arrayContaining(['sha256', 'tb_num', 'tb_den', 'first_pts', 'end_pts', 'index_method']));
    const media = db.prepare(
      `INSERT INTO media(path, sha256, size, mtime_ms, probe_json, format_name, format_start_us, stream_index, codec, pix_fmt, width, height,
        tb_num, tb_den, frame_count, first_pts, end_pts, vfr, index_method, index_notes, imported_at)
       VALUES (?, ?, 1, 0, '{}', 'mp4', 0, 0, 'h264', NULL, 2, 2, 1, 25, 1, 0, 1, 0, 'packets', '[]', 't')`,
    );
    const id = Number(media.run('/a.mp4', 'aa').lastInsertRowid);
    expect(() => media.run('/b.mp4', 'aa')).toThrow(/UNIQUE/);
    db.prepare('INSERT INTO frames VALUES (?, 0, 0, 1)').run(id);
    expect(() => db.prepare('INSERT INTO frames VALUES (999, 0, 0, 1)').run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM media WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) AS n FROM frames').get()).toEqual({ n: 0 });
  });

  it('003 adds labels with a scope check', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    expect(migrate(db, 3)).toBe(3);
    const ins = db.prepare("INSERT INTO labels(id, name, description, scope, color, hotkey, position) VALUES (?, 'n', '', ?, '#fff', NULL, 0)");
    ins.run('blink_anomaly', 'frame');
    expect(() => ins.run('x', 'galaxy')).toThrow(/CHECK/);
  });

  it('004 adds annotations, label attributes and the undo history, keeping labels', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 3);
    db.prepare("INSERT INTO labels(id, name, description, scope, color, hotkey, position) VALUES ('blink_anomaly', 'Blink', '', 'frame', '#fff', '1', 0)").run();
    expect(migrate(db, 4)).toBe(4);
    const label = db.prepare('SELECT attributes, merged_into FROM labels').get() as { attributes: string; merged_into: string | null };
    expect(JSON.parse(label.attributes).map((a: { id: string }) => a.id)).toEqual(['severity', 'confidence', 'face_region']);
    expect(label.merged_into).toBeNull();
    expect(columns(db, 'annotations')).toEqual(expect.arrayContaining(['id', 'media_id', 'kind', 'label_id', 'start_frame', 'end_frame', 'start_pts', 'end_pts', 'data']));
    expect(columns(db, 'history')).toEqual(['id', 'at', 'actor', 'title', 'undo', 'redo', 'undone']);
    db.prepare(
      `INSERT INTO media(path, sha256, size, mtime_ms, probe_json, format_name, format_start_us, stream_index, codec, pix_fmt, width, height,
        tb_num, tb_den, frame_count, first_pts, end_pts, vfr, index_method, index_notes, imported_at)
       VALUES ('/a.mp4', 'aa', 1, 0, '{}', 'mp4', 0, 0, 'h264', NULL, 2, 2, 1, 25, 10, 0, 10, 0, 'packets', '[]', 't')`,
    ).run();
    const ins = db.prepare("INSERT INTO annotations VALUES (?, 1, ?, ?, ?, ?, 0, 1, '{}', '', 'a', 't', 't', NULL)");
    ins.run('a1', 'segment', 'blink_anomaly', 2, 5);
    expect(() => ins.run('a2', 'segment', 'blink_anomaly', 5, 2)).toThrow(/CHECK/);
    expect(() => ins.run('a3', 'segment', null, 1, 2)).toThrow(/CHECK/);
    expect(() => ins.run('a4', 'verdict', 'blink_anomaly', 0, 9)).toThrow(/CHECK/);
    expect(() => ins.run('a5', 'segment', 'no_such_label', 0, 9)).toThrow(/FOREIGN KEY/);
    ins.run('a6', 'verdict', null, 0, 9);
  });

  it('005 links a video to its original (cleared when the original goes), adds identity and an annotation source', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 4);
    const media = db.prepare(
      `INSERT INTO media(path, sha256, size, mtime_ms, probe_json, format_name, format_start_us, stream_index, codec, pix_fmt, width, height,
        tb_num, tb_den, frame_count, first_pts, end_pts, vfr, index_method, index_notes, imported_at)
       VALUES (?, ?, 1, 0, '{}', 'mp4', 0, 0, 'h264', NULL, 2, 2, 1, 25, 1, 0, 1, 0, 'packets', '[]', 't')`,
    );
    const a = Number(media.run('/a.mp4', 'aa').lastInsertRowid);
    const b = Number(media.run('/b.mp4', 'bb').lastInsertRowid);
    oneVerdict(db, b);
    expect(migrate(db, 5)).toBe(5);
    expect(columns(db, 'media')).toEqual(expect.arrayContaining(['original_id', 'identity']));
    expect(db.prepare("SELECT source FROM annotations WHERE id = 'x'").get()).toEqual({ source: null });
    db.prepare('UPDATE media SET original_id = ?, identity = ? WHERE id = ?').run(a, 'person_1', b);
    expect(() => db.prepare('UPDATE media SET original_id = 999 WHERE id = ?').run(b)).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM media WHERE id = ?').run(a);
    expect(db.prepare('SELECT original_id, identity FROM media WHERE id = ?').get(b)).toEqual({ original_id: null, identity: 'person_1' });
  });

  it('006 adds the intake custody columns, empty for videos imported before', () => {
    const db = new Database(':memory:');
    migrate(db, 5);
    oneVideo(db);
    expect(migrate(db, 6)).toBe(6);
    expect(db.prepare('SELECT md5, imported_by, machine, tool_version, ffmpeg_version FROM media').get()).toEqual({
      md5: null, imported_by: null, machine: null, tool_version: null, ffmpeg_version: null,
    });
  });

  it('007 adds the finding column, empty for annotations made before', () => {
    const db = new Database(':memory:');
    migrate(db, 6);
    const media = oneVideo(db);
    oneVerdict(db, media);
    expect(columns(db, 'annotations')).not.toContain('finding');
    expect(migrate(db, 7)).toBe(7);
    expect(db.prepare("SELECT finding FROM annotations WHERE id = 'x'").get()).toEqual({ finding: null });
  });

  it('008 adds media_analysis, one row per video and kind, gone with its video', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 7);
    const media = oneVideo(db);
    expect(migrate(db, 8)).toBe(8);
    db.prepare("INSERT INTO media_analysis VALUES (?, 'frame_hashes', 't', '{}')").run(media);
    expect(() => db.prepare("INSERT INTO media_analysis VALUES (?, 'frame_hashes', 't', '{}')").run(media)).toThrow(/UNIQUE/);
    db.prepare('DELETE FROM media WHERE id = ?').run(media);
    expect(db.prepare('SELECT count(*) AS n FROM media_analysis').get()).toEqual({ n: 0 });
  });

  it('009 adds provenance (empty for annotations made before) and candidate decisions, one per video and candidate', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 8);
    const media = oneVideo(db);
    oneVerdict(db, media);
    expect(columns(db, 'annotations')).not.toContain('provenance');
    expect(migrate(db, 9)).toBe(9);
    expect(db.prepare("SELECT provenance FROM annotations WHERE id = 'x'").get()).toEqual({ provenance: null });
    const put = db.prepare("INSERT INTO candidate_decisions VALUES (?, 'blink:0-9', ?, NULL, 'u', 't')");
    put.run(media, 'dismissed');
    expect(() => put.run(media, 'accepted')).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO candidate_decisions VALUES (?, 'c', 'maybe', NULL, 'u', 't')").run(media)).toThrow(/CHECK/);
    db.prepare('DELETE FROM annotations').run();
    db.prepare('DELETE FROM media WHERE id = ?').run(media);
    expect(db.prepare('SELECT count(*) AS n FROM candidate_decisions').get()).toEqual({ n: 0 });
  });

  it('010 keys the undo history by plain rowid, keeping its rows, ids and order', () => {
    const db = new Database(':memory:');
    migrate(db, 9);
    const step = db.prepare("INSERT INTO history(at, actor, title, undo, redo, undone) VALUES ('t', 'u', ?, '[]', '[]', ?)");
    for (const [title, undone] of [['a', 0], ['b', 0], ['c', 1]] as const) step.run(title, undone);
    expect(db.prepare("SELECT name FROM sqlite_sequence WHERE name = 'history'").get()).toEqual({ name: 'history' });
    const before = db.prepare('SELECT * FROM history ORDER BY id').all();
    expect(migrate(db, 10)).toBe(10);
    expect(db.prepare('SELECT * FROM history ORDER BY id').all()).toEqual(before);
    expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'history'").get() as { sql: string }).sql).not.toMatch(/AUTOINCREMENT/i);
    // A change no longer keeps a counter row beside the step.
    expect(db.prepare("SELECT name FROM sqlite_sequence WHERE name = 'history'").get()).toBeUndefined();
    db.prepare("DELETE FROM history WHERE title = 'c'").run();
    expect(Number(step.run('d', 0).lastInsertRowid)).toBe(3);
  });

  it('refuses a project written by a newer schema, and re-running is a no-op', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer Tellframe/);
  });
});
