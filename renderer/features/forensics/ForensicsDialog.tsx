import { useEffect, useState } from 'react';
import type { TellframeClient } from '../../../shared/api';
import type { Forensics, ForensicsFlag } from '../../../shared/forensics';
import type { VideoSummary } from '../../../shared/model';
import { useEscape } from '../useEscape';

const fmt = (n: number | null, digits = 3) => (n === null ? '—' : n.toFixed(digits));
const tags = (t: Record<string, string>) => Object.entries(t).map(([k, v]) => `${k}=${v}`).join('; ') || '—';

/**
 * The media forensics panel of the selected video: container and stream
 * details, timing from the exact frame index, and flags against a claimed
 * origin; each flag becomes a metadata_anomaly annotation in one click.
 */
export function ForensicsDialog({ client, video, onClose, onTagged }: { client: TellframeClient; video: VideoSummary; onClose: () => void; onTagged: () => void }) {
  const [r, setR] = useState<Forensics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tagged, setTagged] = useState<Set<string>>(new Set());
  useEffect(() => {
    client.call('media.forensics', { id: video.id }).then(setR, (err: unknown) => setError((err as Error).message));
  }, [client, video.id]);
  useEscape(onClose);

  const tag = async (f: ForensicsFlag) => {
    try {
      await client.call('annotations.create', {
        kind: 'segment', videoId: video.id, label: 'metadata_anomaly', startFrame: 0, endFrame: video.frameCount - 1,
        note: `${f.message} (${f.evidence})`,
      });
      setTagged(new Set([...tagged, f.id]));
      onTagged();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Forensics">
      <div className="export-dialog forensics">
        <h2>Media forensics — {video.path.split(/[\\/]/).pop()}</h2>
        {error ? <p className="error" role="alert">{error}</p> : null}
        {!r ? (
          <p className="muted">Reading…</p>
        ) : (
          <>
            <section aria-label="Flags">
              <h3>Flags</h3>
              {r.flags.length === 0 ? <p className="muted">Nothing here contradicts a camera original.</p> : null}
              <ul className="flags">
                {r.flags.map((f) => (
                  <li key={f.id} data-flag={f.id} className={f.severity}>
                    <b>{f.severity === 'warning' ? 'Warning' : 'Note'}:</b> {f.message} <span className="muted">{f.evidence}</span>{' '}
                    <button type="button" disabled={tagged.has(f.id)} onClick={() => void tag(f)}>
                      {tagged.has(f.id) ? 'Tagged' : 'Tag as metadata_anomaly'}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
            <section aria-label="Container">
              <h3>Container</h3>
              <table>
                <tbody>
                  <tr><th>format</th><td>{r.container.format} ({r.container.formatLong})</td></tr>
                  <tr><th>duration / start</th><td>{fmt(r.container.duration)} s / {fmt(r.container.startTime)} s</td></tr>
                  <tr><th>size / bit rate</th><td>{r.container.size ?? '—'} bytes / {r.container.bitRate ?? '—'} bit/s</td></tr>
                  <tr><th>tags</th><td data-testid="container-tags">{tags(r.container.tags)}</td></tr>
                </tbody>
              </table>
            </section>
            <section aria-label="Streams">
              <h3>Streams</h3>
              <table>
                <thead><tr><th>#</th><th>type</th><th>codec</th><th>details</th><th>start s</th><th>duration s</th><th>tags</th></tr></thead>
                <tbody>
                  {r.streams.map((s) => (
                    <tr key={s.index}>
                      <td>{s.index}</td><td>{s.type}</td><td>{s.codec}{s.profile ? ` (${s.profile})` : ''}</td>
                      <td>{s.type === 'video' ? `${s.width}×${s.height} ${s.pixFmt ?? ''}` : s.type === 'audio' ? `${s.sampleRate ?? '—'} Hz, ${s.channels ?? '—'} ch` : ''} · tb {s.timeBase}</td>
                      <td>{fmt(s.startTime)}</td><td>{fmt(s.duration)}</td><td>{tags(s.tags)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section aria-label="Timing">
              <h3>Timing (exact frame index)</h3>
              <p data-testid="timing">
                {r.frames} frames, {r.keyframeCount} key frames{r.keyframes.length ? ` (first at ${r.keyframes.slice(0, 8).join(', ')}${r.keyframeCount > 8 ? ', …' : ''})` : ''};{' '}
                {r.vfr ? 'variable frame rate' : 'constant frame rate'}; {r.gapCount} gaps; {r.repeatedCount} repeated timestamps.
              </p>
              <table>
                <thead><tr><th>frame duration</th><th>frames</th></tr></thead>
                <tbody>
                  {r.histogram.slice(0, 12).map((h) => (
                    <tr key={h.ticks}><td>{(h.seconds * 1000).toFixed(3)} ms ({h.ticks} ticks)</td><td>{h.count}</td></tr>
                  ))}
                </tbody>
              </table>
            </section>
          </>
        )}
        <div className="buttons">
          <button type="button" onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}
