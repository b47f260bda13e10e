import { useEffect, useRef, useState } from 'react';
import type { TellframeClient } from '../../../shared/api';
import type { Forensics, ForensicsFlag, FrameHashSummary } from '../../../shared/forensics';
import type { VideoSummary } from '../../../shared/model';
import { useEscape } from '../useEscape';
import { useJob } from '../useJob';
import { JobPanel } from '../JobPanel';

const fmt = (n: number | null, digits = 3) => (n === null ? '—' : n.toFixed(digits));
const tags = (t: Record<string, string>) => Object.entries(t).map(([k, v]) => `${k}=${v}`).join('; ') || '—';

/**
 * The media forensics panel of the selected video: container and stream
 * details, timing from the exact frame index, and flags against a claimed
 * origin; each flag becomes a metadata_anomaly annotation in one click.
 */
export function ForensicsDialog({ client, video, onClose, onTagged, onGo }: { client: TellframeClient; video: VideoSummary; onClose: () => void; onTagged: () => void; onGo: (frame: number) => void }) {
  const [r, setR] = useState<Forensics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tagged, setTagged] = useState<Set<string>>(new Set());
  useEffect(() => {
    client.call('media.forensics', { id: video.id }).then(setR, (err: unknown) => setError((err as Error).message));
  }, [client, video.id]);
  // Not while every frame is being hashed: its Cancel stops that first.
  const [hashing, setHashing] = useState(false);
  useEscape(onClose, !hashing);

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
            <FrameHashes client={client} videoId={video.id} kept={r.frameHashes} onRunning={setHashing} onDone={() => void client.call('media.forensics', { id: video.id }).then(setR)} onGo={onGo} />
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
          <button type="button" onClick={onClose} disabled={hashing} title={hashing ? 'Cancel the hashing first' : undefined}>Close</button>
        </div>
      </div>
    </div>
  );
}

/**
 * Identical consecutive frames: every decoded picture hashed on request (a
 * full decode, with progress and Cancel), kept in the project afterwards.
 */
function FrameHashes(props: { client: TellframeClient; videoId: number; kept: FrameHashSummary | null; onRunning: (running: boolean) => void; onDone: () => void; onGo: (frame: number) => void }) {
  const { client } = props;
  const { job, running, error, launch } = useJob((jobId) => client.call('framehash.status', { jobId }));
  const { onRunning, onDone } = props;
  useEffect(() => onRunning(running), [running, onRunning]);
  // Once per finished job: the panel reads the kept result again.
  const reported = useRef<string | null>(null);
  useEffect(() => {
    if (job?.state === 'done' && reported.current !== job.jobId) {
      reported.current = job.jobId;
      onDone();
    }
  }, [job, onDone]);
  const k = props.kept;
  return (
    <section aria-label="Identical frames" data-testid="frame-hashes">
      <h3>Identical consecutive frames</h3>
      {k ? (
        <p data-testid="frame-hash-summary">
          {k.repeated} of {k.frames} frames repeat the picture before{k.runCount ? ` in ${k.runCount} run${k.runCount > 1 ? 's' : ''}` : ''}.{' '}
          <span className="muted">Every picture hashed (MD5) {k.computedAt}.</span>
        </p>
      ) : (
        <p className="muted">Not checked yet: every frame is decoded and hashed (as long as a full decode of the file takes).</p>
      )}
      {k && k.runs.length ? (
        <p className="runs">
          {k.runs.slice(0, 40).map((r) => (
            <button key={r.from} type="button" className="link" disabled={running} onClick={() => props.onGo(r.from)} title="Go to the first of these frames">
              {r.from}–{r.to}
            </button>
          ))}
          {k.runCount > 40 ? <span className="muted"> … {k.runCount - 40} more</span> : null}
        </p>
      ) : null}
      {job && job.state !== 'done' ? (
        <JobPanel job={job} label="Hashing progress" running={job.progress?.what ?? 'Starting…'} done="" ended={{ cancelled: 'Cancelled.', failed: 'Failed.' }} />
      ) : null}
      {error ? <p className="error" role="alert">{error}</p> : null}
      {running ? (
        <button type="button" onClick={() => job && void client.call('framehash.cancel', { jobId: job.jobId })}>Cancel hashing</button>
      ) : (
        <button type="button" onClick={() => void launch(() => client.call('framehash.start', { id: props.videoId }))}>{k ? 'Hash every frame again' : 'Hash every frame'}</button>
      )}
    </section>
  );
}
