import { useCallback, useEffect, useRef, useState } from 'react';
import type { Output, TellframeClient } from '../../../shared/api';
import type { AuditEntry, VerifyReport } from '../../../shared/model';
import { useEscape } from '../useEscape';

const PAGE = 200;

/** A payload as readable JSON (it is stored as the exact text the hash covers). */
function pretty(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/** One line of what a change touched: the payload's first keys and values. */
function summary(payload: string): string {
  try {
    const p = JSON.parse(payload) as Record<string, unknown>;
    return Object.entries(p)
      .slice(0, 4)
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' · ')
      .slice(0, 160);
  } catch {
    return payload.slice(0, 160);
  }
}

/**
 * The project's tamper-evident history: every audit row (who, when, what,
 * before/after as recorded), newest first, filtered by action, actor and
 * text; the chain head; and Verify, which recomputes the chain and re-hashes
 * every media file, and says loudly what is broken.
 */
export function HistoryDialog({ client, videos, onClose }: { client: TellframeClient; videos: { id: number; path: string }[]; onClose: () => void }) {
  const [filter, setFilter] = useState({ action: '', actor: '', text: '', video: '' });
  const [page, setPage] = useState<Output<'audit.query'> | null>(null);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<VerifyReport | 'running' | null>(null);

  const seq = useRef(0);
  const load = useCallback(
    async (before?: number) => {
      // Only the newest request's answer is shown (answers may come back out of order while typing).
      const mine = ++seq.current;
      try {
        const q = {
          ...(filter.action ? { action: filter.action } : {}), ...(filter.actor ? { actor: filter.actor } : {}), ...(filter.text ? { text: filter.text } : {}),
          ...(filter.video ? { videoId: Number(filter.video) } : {}),
        };
        const r = await client.call('audit.query', { ...q, ...(before ? { before } : {}), limit: PAGE });
        if (mine !== seq.current) return;
        setPage(r);
        setEntries((prev) => (before ? [...prev, ...r.entries] : r.entries));
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      }
    },
    [client, filter],
  );
  useEffect(() => {
    const t = setTimeout(() => void load(), 150);
    return () => clearTimeout(t);
  }, [load]);
  useEscape(onClose);

  const runVerify = async () => {
    setVerify('running');
    try {
      setVerify(await client.call('project.verify', {}));
      void load();
    } catch (err) {
      setVerify(null);
      setError((err as Error).message);
    }
  };

  const bad = verify && verify !== 'running' ? verify.media.filter((m) => m.status !== 'ok') : [];
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="History">
      <div className="export-dialog history">
        <h2>History</h2>
        <p className="muted">
          {page ? `${page.rows} audit rows; chain head ` : ''}
          {page ? <code data-testid="audit-head">{page.head}</code> : null}
        </p>
        <div className="row">
          <button type="button" onClick={() => void runVerify()} disabled={verify === 'running'}>
            {verify === 'running' ? 'Verifying…' : 'Verify chain and media'}
          </button>
          {verify && verify !== 'running' ? (
            verify.ok ? (
              <span className="ok" data-testid="verify-result" data-ok="true">
                Intact: {verify.auditRows} rows chain to the head; every video has its recorded SHA-256.
              </span>
            ) : (
              <span className="error" role="alert" data-testid="verify-result" data-ok="false">
                {verify.auditOk ? '' : `The audit chain is BROKEN at row ${verify.brokenAt}: a recorded change was altered or removed. `}
                {bad.length
                  ? `${bad.length === 1 ? '1 video no longer matches its' : `${bad.length} videos no longer match their`} recorded SHA-256: ${bad.map((m) => `#${m.id} ${m.path} (${m.status})`).join('; ')}.`
                  : ''}
              </span>
            )
          ) : null}
        </div>
        <div className="row" aria-label="Filter the history">
          <select aria-label="Custody of a video" value={filter.video} onChange={(e) => setFilter({ ...filter, video: e.target.value })}>
            <option value="">every change</option>
            {videos.map((v) => (
              <option key={v.id} value={String(v.id)}>custody of #{v.id} {v.path.split(/[\\/]/).pop()}</option>
            ))}
          </select>
          <select aria-label="Action" value={filter.action} onChange={(e) => setFilter({ ...filter, action: e.target.value })}>
            <option value="">every action</option>
            {page?.actions.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
          <select aria-label="Actor" value={filter.actor} onChange={(e) => setFilter({ ...filter, actor: e.target.value })}>
            <option value="">everyone</option>
            {page?.actors.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
          <input type="text" aria-label="Text in the change" placeholder="text in the change (label, id, path…)" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} />
          {page ? <span className="muted" data-testid="audit-total">{page.total} matching</span> : null}
        </div>
        {error ? <p className="error" role="alert">{error}</p> : null}
        <table className="audit">
          <thead>
            <tr><th>#</th><th>when</th><th>who</th><th>what</th><th>details</th></tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq} data-seq={e.seq} onClick={() => setOpen(open === e.seq ? null : e.seq)}>
                <td>{e.seq}</td>
                <td>{e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</td>
                <td>{e.actor}</td>
                <td><code>{e.action}</code></td>
                <td>
                  {open === e.seq ? (
                    <>
                      <pre>{pretty(e.payload)}</pre>
                      <div className="muted">hash <code>{e.hash}</code> · previous <code>{e.prevHash}</code></div>
                    </>
                  ) : (
                    <button type="button" className="link" aria-expanded={false}>{summary(e.payload)}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="buttons">
          {page && entries.length < page.total ? (
            <button type="button" onClick={() => void load(entries[entries.length - 1]?.seq)}>Older…</button>
          ) : null}
          <button type="button" onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}
