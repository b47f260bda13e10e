import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import taxonomyJson from '../../../resources/taxonomy.default.json' with { type: 'json' };
import { DEFAULT_ATTRIBUTES, type AttributeDef } from '../../../shared/annotations';
import { TellframeError } from '../../../shared/errors';
import type { AuditEntry, Label } from '../../../shared/model';
import { GENESIS_HASH, auditHash, findBrokenLink, type ChainRow } from './audit';
import { migrate } from './migrations';

/** What the importer hands the store for one video. */
export interface NewMedia {
  path: string;
  sha256: string;
  size: number;
  mtimeMs: number;
  probeJson: string;
  formatName: string;
  formatStartUs: number;
  streamIndex: number;
  codec: string;
  pixFmt: string | null;
  width: number;
  height: number;
  tbNum: number;
  tbDen: number;
  /** Per decoded frame, in decode-output order. */
  pts: readonly number[];
  key: readonly boolean[];
  /** End of the last frame, in time-base units. */
  endPts: number;
  vfr: boolean;
  indexMethod: 'packets' | 'decode';
  indexNotes: string[];
  /** Intake custody (migration 006): the file's MD5, and who brought it in where, with what. */
  custody?: { md5: string | null; importedBy: string; machine: string; tool: string; ffmpeg: string };
}

export interface MediaRow {
  id: number;
  path: string;
  sha256: string;
  size: number;
  mtime_ms: number;
  probe_json: string;
  format_name: string;
  format_start_us: number;
  stream_index: number;
  codec: string;
  pix_fmt: string | null;
  width: number;
  height: number;
  tb_num: number;
  tb_den: number;
  frame_count: number;
  first_pts: number;
  end_pts: number;
  vfr: number;
  index_method: 'packets' | 'decode';
  index_notes: string;
  imported_at: string;
  /** The video it was made from (migration 005), and the identity it shows. */
  original_id: number | null;
  identity: string | null;
  /** Intake custody (migration 006); null for videos imported before it. */
  md5: string | null;
  imported_by: string | null;
  machine: string | null;
  tool_version: string | null;
  ffmpeg_version: string | null;
}

export interface FrameTable {
  pts: number[];
  key: boolean[];
}

const APP_ID = 'tellframe';

/** A labels row as SQLite holds it. */
export interface LabelRow {
  id: string;
  name: string;
  description: string;
  scope: 'frame' | 'video';
  color: string;
  hotkey: string | null;
  position: number;
  retired: number;
  attributes: string;
  merged_into: string | null;
}

export function labelFromRow(r: LabelRow): Label {
  return {
    id: r.id, name: r.name, description: r.description, scope: r.scope, color: r.color, hotkey: r.hotkey, position: r.position,
    retired: r.retired === 1, attributes: JSON.parse(r.attributes) as AttributeDef[], mergedInto: r.merged_into,
  };
}

type DefaultLabel = Pick<LabelRow, 'id' | 'name' | 'description' | 'scope' | 'color' | 'hotkey'>;

function defaultTaxonomy(): DefaultLabel[] {
  return (taxonomyJson as { labels: DefaultLabel[] }).labels;
}

/**
 * One project = one SQLite file (WAL, foreign keys, synchronous=FULL). Every
 * change runs in one transaction that also appends a row to the hash-chained
 * audit log.
 */
export class ProjectStore {
  readonly file: string;
  readonly db: Database.Database;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.db = db;
  }

  private static connect(file: string, fileMustExist: boolean): Database.Database {
    let db: Database.Database;
    try {
      db = new Database(file, { fileMustExist });
    } catch (err) {
      throw new TellframeError('PROJECT_INVALID', `Cannot open project ${file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
    } catch (err) {
      db.close();
      throw new TellframeError('PROJECT_INVALID', `${file} is not a Tellframe project (${(err as Error).message}).`, { cause: err });
    }
    return db;
  }

  /** Create a new project file; refuses to touch an existing file. */
  static create(file: string, actor = 'system'): ProjectStore {
    if (existsSync(file)) throw new TellframeError('PROJECT_EXISTS', `${file} already exists.`);
    const db = ProjectStore.connect(file, false);
    const store = new ProjectStore(file, db);
    migrate(db);
    const labels = defaultTaxonomy();
    db.transaction(() => {
      const now = new Date().toISOString();
      db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)').run('app', APP_ID);
      db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)').run('created_at', now);
      store.appendAudit(actor, 'project.create', { createdAt: now });
      const ins = db.prepare(
        'INSERT INTO labels(id, name, description, scope, color, hotkey, position, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const attrs = JSON.stringify(DEFAULT_ATTRIBUTES);
      labels.forEach((l, i) => ins.run(l.id, l.name, l.description, l.scope, l.color, l.hotkey, i, attrs));
      store.appendAudit(actor, 'labels.seed', { labels: labels.map((l) => l.id) });
    })();
    return store;
  }

  /** Open an existing project, applying any pending migrations. */
  static open(file: string): ProjectStore {
    if (!existsSync(file)) throw new TellframeError('NOT_FOUND', `No project at ${file}. Create one with: tellframe init ${file}`);
    const db = ProjectStore.connect(file, true);
    try {
      const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
      const app = hasMeta ? (db.prepare("SELECT value FROM meta WHERE key = 'app'").get() as { value: string } | undefined) : undefined;
      if (app?.value !== APP_ID) throw new TellframeError('PROJECT_INVALID', `${file} is not a Tellframe project.`);
      migrate(db);
    } catch (err) {
      db.close();
      if (err instanceof TellframeError) throw err;
      throw new TellframeError('PROJECT_INVALID', `${file} is not a Tellframe project (${(err as Error).message}).`, { cause: err });
    }
    return new ProjectStore(file, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // Prepared once: every annotation write appends an audit row.
  private auditStmts: { last: Database.Statement; insert: Database.Statement } | null = null;
  private audit(): { last: Database.Statement; insert: Database.Statement } {
    this.auditStmts ??= {
      last: this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: this.db.prepare('INSERT INTO audit_log(seq, at, actor, action, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    };
    return this.auditStmts;
  }

  private lastAudit(): { seq: number; hash: string } | undefined {
    return this.audit().last.get() as { seq: number; hash: string } | undefined;
  }

  /** The hash of the newest audit row (the chain head), as exports and reports print it. */
  auditHead(): string {
    return this.lastAudit()?.hash ?? GENESIS_HASH;
  }

  /** Append one audit row; call inside the transaction that makes the change. */
  appendAudit(actor: string, action: string, payload: unknown): ChainRow {
    const last = this.lastAudit();
    const row = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      actor,
      action,
      payload: JSON.stringify(payload),
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = auditHash(prevHash, row);
    this.audit().insert.run(row.seq, row.at, row.actor, row.action, row.payload, prevHash, hash);
    return { seq: row.seq, at: row.at, actor, action, payload: row.payload, prevHash, hash };
  }

  auditEntries(): AuditEntry[] {
    return (
      this.db.prepare('SELECT seq, at, actor, action, payload, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq').all() as AuditEntry[]
    );
  }

  /** A filtered page of the audit chain, newest first (LIKE on the payload; % and _ in the text are literal). */
  auditQuery(q: { action?: string; actor?: string; text?: string; videoId?: number; before?: number; limit: number }): {
    entries: AuditEntry[]; total: number; rows: number; actions: string[]; actors: string[];
  } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (sql: string, ...values: (string | number)[]) => {
      where.push(sql);
      args.push(...values);
    };
    if (q.action) add('action = ?', q.action);
    if (q.actor) add('actor = ?', q.actor);
    // The payload is JSON text: search for the text as JSON writes it (quotes and backslashes escaped), then escape LIKE's wildcards.
    if (q.text) add("payload LIKE ? ESCAPE '\\'", `%${JSON.stringify(q.text).slice(1, -1).replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    if (q.videoId !== undefined) {
      // A video's custody log: its media.* rows (import, link, relink, verify), its reports, and the exports that included it.
      // json_valid first: one altered row that is not JSON must not hide the rest of the log. An export of
      // "all" videos counts only after the video came in.
      add(`json_valid(payload) AND (((action LIKE 'media.%' OR action = 'report') AND json_extract(payload, '$.id') = ?) OR (action = 'export'
        AND seq > coalesce((SELECT min(seq) FROM audit_log WHERE action = 'media.import' AND json_valid(payload) AND json_extract(payload, '$.id') = ?), 0)
        AND (json_extract(payload, '$.videos') = 'all' OR EXISTS (SELECT 1 FROM json_each(payload, '$.videos') WHERE value = ?))))`, q.videoId, q.videoId, q.videoId);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit_log ${filter}`).get(...args) as { n: number }).n;
    const page = q.before ? `${filter ? `${filter} AND` : 'WHERE'} seq < ?` : filter;
    const entries = this.db
      .prepare(`SELECT seq, at, actor, action, payload, prev_hash AS prevHash, hash FROM audit_log ${page} ORDER BY seq DESC LIMIT ?`)
      .all(...args, ...(q.before ? [q.before] : []), q.limit) as AuditEntry[];
    const rows = (this.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    const actions = (this.db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').all() as { action: string }[]).map((r) => r.action);
    const actors = (this.db.prepare('SELECT DISTINCT actor FROM audit_log ORDER BY actor').all() as { actor: string }[]).map((r) => r.actor);
    return { entries, total, rows, actions, actors };
  }

  /** How many rows of each action the chain holds, and when its first and last rows were written. */
  auditSummary(): { rows: number; byAction: { action: string; count: number }[]; first: string | null; last: string | null } {
    const byAction = this.db.prepare('SELECT action, count(*) AS count FROM audit_log GROUP BY action ORDER BY action').all() as { action: string; count: number }[];
    const span = this.db.prepare('SELECT count(*) AS rows, min(at) AS first, max(at) AS last FROM audit_log').get() as { rows: number; first: string | null; last: string | null };
    return { ...span, byAction };
  }

  /** The row whose hash is `head`, and the rows after it (the first 1000) with how many there are. */
  auditSince(head: string): { seq: number | null; after: { seq: number; at: string; actor: string; action: string }[]; afterCount: number } {
    const row = this.db.prepare('SELECT seq FROM audit_log WHERE hash = ?').get(head) as { seq: number } | undefined;
    if (!row) return { seq: null, after: [], afterCount: 0 };
    const after = this.db.prepare('SELECT seq, at, actor, action FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1000').all(row.seq) as { seq: number; at: string; actor: string; action: string }[];
    const afterCount = (this.db.prepare('SELECT count(*) AS n FROM audit_log WHERE seq > ?').get(row.seq) as { n: number }).n;
    return { seq: row.seq, after, afterCount };
  }

  /** Recompute the audit chain from the first row. */
  verifyAudit(): { rows: number; brokenAt: number | null } {
    const rows = this.db
      .prepare('SELECT seq, at, actor, action, payload, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq')
      .iterate() as IterableIterator<ChainRow>;
    return findBrokenLink(rows);
  }

  mediaBySha(sha256: string): MediaRow | undefined {
    return this.db.prepare('SELECT * FROM media WHERE sha256 = ?').get(sha256) as MediaRow | undefined;
  }

  media(id: number): MediaRow | undefined {
    return this.db.prepare('SELECT * FROM media WHERE id = ?').get(id) as MediaRow | undefined;
  }

  mediaByPath(path: string): MediaRow[] {
    return this.db.prepare('SELECT * FROM media WHERE path = ? ORDER BY id').all(path) as MediaRow[];
  }

  listMedia(): MediaRow[] {
    return this.db.prepare('SELECT * FROM media ORDER BY id').all() as MediaRow[];
  }

  /** Insert a video and its frame index in one transaction with its audit row. */
  addMedia(m: NewMedia, actor: string): number {
    if (m.pts.length === 0 || m.pts.length !== m.key.length) throw new TellframeError('INTERNAL', 'Empty or inconsistent frame index.');
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO media(path, sha256, size, mtime_ms, probe_json, format_name, format_start_us, stream_index, codec, pix_fmt,
             width, height, tb_num, tb_den, frame_count, first_pts, end_pts, vfr, index_method, index_notes, imported_at,
             md5, imported_by, machine, tool_version, ffmpeg_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          m.path, m.sha256, m.size, m.mtimeMs, m.probeJson, m.formatName, m.formatStartUs, m.streamIndex, m.codec, m.pixFmt,
          m.width, m.height, m.tbNum, m.tbDen, m.pts.length, m.pts[0]!, m.endPts, m.vfr ? 1 : 0, m.indexMethod,
          JSON.stringify(m.indexNotes), new Date().toISOString(),
          m.custody?.md5 ?? null, m.custody?.importedBy ?? actor, m.custody?.machine ?? null, m.custody?.tool ?? null, m.custody?.ffmpeg ?? null,
        );
      const id = Number(info.lastInsertRowid);
      const ins = this.db.prepare('INSERT INTO frames(media_id, n, pts, key) VALUES (?, ?, ?, ?)');
      for (let n = 0; n < m.pts.length; n++) ins.run(id, n, m.pts[n]!, m.key[n] ? 1 : 0);
      this.appendAudit(actor, 'media.import', {
        id,
        path: m.path,
        sha256: m.sha256,
        size: m.size,
        frames: m.pts.length,
        indexMethod: m.indexMethod,
        ...(m.custody ? { md5: m.custody.md5, mtimeMs: m.mtimeMs, machine: m.custody.machine, tool: m.custody.tool, ffmpeg: m.custody.ffmpeg } : {}),
      });
      return id;
    })();
  }

  frames(mediaId: number): FrameTable {
    const pts: number[] = [];
    const key: boolean[] = [];
    const rows = this.db.prepare('SELECT pts, key FROM frames WHERE media_id = ? ORDER BY n').raw().iterate(mediaId) as IterableIterator<
      [number, number]
    >;
    for (const [p, k] of rows) {
      pts.push(p);
      key.push(k === 1);
    }
    return { pts, key };
  }

  /** Link a video to its original and/or set its identity (null clears); one transaction with its audit row. */
  setLinks(id: number, links: { originalId?: number | null; identity?: string | null }, actor: string): MediaRow {
    return this.db.transaction(() => {
      const before = this.media(id);
      if (!before) throw new TellframeError('NOT_FOUND', `No video ${id} in this project.`);
      const originalId = links.originalId === undefined ? before.original_id : links.originalId;
      const identity = links.identity === undefined ? before.identity : links.identity;
      if (originalId !== null) {
        if (originalId === id) throw new TellframeError('BAD_INPUT', 'A video cannot be its own original.');
        if (!this.media(originalId)) throw new TellframeError('NOT_FOUND', `No video ${originalId} in this project.`);
      }
      this.db.prepare('UPDATE media SET original_id = ?, identity = ? WHERE id = ?').run(originalId, identity, id);
      this.appendAudit(actor, 'media.link', {
        id,
        before: { originalId: before.original_id, identity: before.identity },
        after: { originalId, identity },
      });
      return this.media(id)!;
    })();
  }

  /** A kept analysis of a video's file (e.g. its frame hashes), or null. */
  analysis(mediaId: number, kind: string): { createdAt: string; data: string } | null {
    const r = this.db.prepare('SELECT created_at AS createdAt, data FROM media_analysis WHERE media_id = ? AND kind = ?').get(mediaId, kind) as
      | { createdAt: string; data: string }
      | undefined;
    return r ?? null;
  }

  /** Keep (or replace) an analysis of a video's file. Derived data: not an audited change. */
  /** When a kept result was written and how long it is (to tell whether a parsed copy is still current without reading it). */
  analysisStamp(mediaId: number, kind: string): string | null {
    const r = this.db.prepare("SELECT created_at || ':' || length(data) AS stamp FROM media_analysis WHERE media_id = ? AND kind = ?").get(mediaId, kind) as { stamp: string } | undefined;
    return r?.stamp ?? null;
  }

  putAnalysis(mediaId: number, kind: string, data: string): void {
    this.db.prepare('INSERT OR REPLACE INTO media_analysis(media_id, kind, created_at, data) VALUES (?, ?, ?, ?)').run(mediaId, kind, new Date().toISOString(), data);
  }

  /** Point a video at another copy of its file (checked by the caller) and record it in its custody log. */
  relink(id: number, path: string, actor: string): MediaRow {
    return this.db.transaction(() => {
      const before = this.media(id);
      if (!before) throw new TellframeError('NOT_FOUND', `No video ${id} in this project.`);
      this.db.prepare('UPDATE media SET path = ? WHERE id = ?').run(path, id);
      this.appendAudit(actor, 'media.relink', { id, from: before.path, to: path, sha256: before.sha256 });
      return this.media(id)!;
    })();
  }

  labels(): Label[] {
    return (this.db.prepare('SELECT * FROM labels ORDER BY position').all() as LabelRow[]).map(labelFromRow);
  }

  label(id: string): Label | undefined {
    const row = this.db.prepare('SELECT * FROM labels WHERE id = ?').get(id) as LabelRow | undefined;
    return row ? labelFromRow(row) : undefined;
  }
}
