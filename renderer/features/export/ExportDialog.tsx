import { useState } from 'react';
import type { TellframeClient } from '../../../shared/api';
import { EXPORT_FORMATS, EXPORT_FORMAT_TITLES, FRAME_FORMATS, ExportOptionsSchema, type ExportFormat } from '../../../shared/exportFormats';
import { PathField } from '../import/PathField';
import { useEscape } from '../useEscape';
import { firstIssue, useJob } from '../useJob';
import { JobPanel } from '../JobPanel';

/**
 * Export: formats, which videos, the destination folder, a dataset split and
 * frame options; then progress with Cancel, and what was written. The
 * options are checked with the same schema the host parses.
 */
export function ExportDialog(props: { client: TellframeClient; home: string; videoCount: number; selectedId: number | null; onClose: () => void }) {
  const { client, onClose } = props;
  const [formats, setFormats] = useState<Set<ExportFormat>>(new Set(['json']));
  const [scope, setScope] = useState<'all' | 'selected'>('all');
  const [out, setOut] = useState(props.home ? props.home.replace(/\/?$/, '/') + 'tellframe-export' : '');
  const [overwrite, setOverwrite] = useState(false);
  const [split, setSplit] = useState({ on: false, train: '0.8', val: '0.1', test: '0.1', seed: '0' });
  const [frames, setFrames] = useState({ image: 'png' as 'png' | 'jpeg', quality: '92', every: '0', negatives: '0', crops: false, margin: '0.25' });
  const [audioLabels, setAudioLabels] = useState('audio_anomaly');
  const { job, running, error, refuse, launch } = useJob((jobId) => client.call('export.status', { jobId }));
  const wantsFrames = [...formats].some((f) => FRAME_FORMATS.includes(f));

  const start = () => {
    const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
    const parsed = ExportOptionsSchema.safeParse({
      formats: EXPORT_FORMATS.filter((f) => formats.has(f)),
      videoIds: scope === 'selected' && props.selectedId !== null ? [props.selectedId] : undefined,
      out: out.trim(),
      overwrite,
      split: split.on ? { train: num(split.train), val: num(split.val), test: num(split.test), seed: num(split.seed) } : undefined,
      frames: { image: frames.image, quality: num(frames.quality), every: num(frames.every), negatives: num(frames.negatives), crops: frames.crops, margin: num(frames.margin), seed: split.on ? num(split.seed) : 0 },
      audioLabels: audioLabels.split(',').map((s) => s.trim()).filter(Boolean),
    });
    if (!parsed.success) return refuse(firstIssue(parsed.error));
    void launch(() => client.call('export.start', parsed.data));
  };

  const toggle = (f: ExportFormat) => {
    const next = new Set(formats);
    if (next.has(f)) next.delete(f);
    else next.add(f);
    setFormats(next);
  };

  // Not while an export runs: Cancel export stops it.
  useEscape(onClose, !running);

  const p = job?.progress;
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Export">
      <form
        className="export-dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!running) start();
        }}
      >
        <h2>Export</h2>
        <fieldset disabled={running}>
          <legend>Formats</legend>
          <div className="formats">
            {EXPORT_FORMATS.map((f) => (
              <label key={f}>
                <input type="checkbox" checked={formats.has(f)} onChange={() => toggle(f)} data-format={f} /> <code>{f}</code> <span className="muted">{EXPORT_FORMAT_TITLES[f]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset disabled={running}>
          <legend>Videos and destination</legend>
          <label>
            <input type="radio" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} /> All videos ({props.videoCount})
          </label>
          <label>
            <input type="radio" name="scope" checked={scope === 'selected'} disabled={props.selectedId === null} onChange={() => setScope('selected')} /> Only the selected video
          </label>
          <div className="row">
            <PathField client={client} value={out} onChange={setOut} label="Export folder" placeholder="/path/to/new/folder" />
          </div>
          <label>
            <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> Replace what the folder holds
          </label>
        </fieldset>
        <fieldset disabled={running}>
          <legend>
            <label>
              <input type="checkbox" checked={split.on} onChange={(e) => setSplit({ ...split, on: e.target.checked })} aria-label="Build splits" /> Dataset splits
            </label>
          </legend>
          {split.on ? (
            <div className="row">
              {(['train', 'val', 'test', 'seed'] as const).map((k) => (
                <label key={k}>
                  {k} <input type="number" step={k === 'seed' ? 1 : 0.05} min={0} value={split[k]} aria-label={`Split ${k}`} onChange={(e) => setSplit({ ...split, [k]: e.target.value })} />
                </label>
              ))}
              <p className="muted">An original and its fakes, one identity and one video never straddle two splits; stratified by verdict.</p>
            </div>
          ) : null}
        </fieldset>
        {wantsFrames ? (
          <fieldset disabled={running}>
            <legend>Frames</legend>
            <div className="row">
              <label>
                Image{' '}
                <select value={frames.image} onChange={(e) => setFrames({ ...frames, image: e.target.value as 'png' | 'jpeg' })} aria-label="Image format">
                  <option value="png">PNG</option>
                  <option value="jpeg">JPEG</option>
                </select>
              </label>
              {frames.image === 'jpeg' ? (
                <label>
                  Quality <input type="number" min={1} max={100} value={frames.quality} aria-label="JPEG quality" onChange={(e) => setFrames({ ...frames, quality: e.target.value })} />
                </label>
              ) : null}
              <label>
                Every Nth frame <input type="number" min={0} value={frames.every} aria-label="Every Nth frame" onChange={(e) => setFrames({ ...frames, every: e.target.value })} />
              </label>
              <label>
                Negatives per video <input type="number" min={0} value={frames.negatives} aria-label="Negatives per video" onChange={(e) => setFrames({ ...frames, negatives: e.target.value })} />
              </label>
              <label>
                <input type="checkbox" checked={frames.crops} onChange={(e) => setFrames({ ...frames, crops: e.target.checked })} /> Crops of regions
              </label>
              {frames.crops ? (
                <label>
                  Margin <input type="number" min={0} step={0.05} value={frames.margin} aria-label="Crop margin" onChange={(e) => setFrames({ ...frames, margin: e.target.value })} />
                </label>
              ) : null}
            </div>
          </fieldset>
        ) : null}
        {formats.has('lavdf') ? (
          <fieldset disabled={running}>
            <legend>LAV-DF</legend>
            <label>
              Audio labels <input type="text" value={audioLabels} aria-label="Audio labels" onChange={(e) => setAudioLabels(e.target.value)} />
            </label>
          </fieldset>
        ) : null}
        {error ? <p className="error" role="alert">{error}</p> : null}
        {job ? (
          <JobPanel
            job={job}
            label="Export progress"
            testId="export-job"
            running={p ? `${p.step}: ${p.what}${p.total > 1 ? ` (${p.done} of ${p.total})` : ''}` : 'Starting…'}
            done={job.result ? `Wrote ${job.result.files} files (${job.result.videos} videos, ${job.result.annotations} annotations) to ${job.result.out}. MANIFEST.sha256: ${job.result.manifestSha256.slice(0, 16)}…` : ''}
            ended={{ cancelled: 'Cancelled: nothing was written.', failed: 'Failed: nothing was written.' }}
          />
        ) : null}
        <div className="buttons">
          {running ? (
            <button type="button" onClick={() => job && void client.call('export.cancel', { jobId: job.jobId })}>Cancel export</button>
          ) : (
            <>
              <button type="submit" disabled={formats.size === 0}>Export</button>
              <button type="button" onClick={onClose}>Close</button>
            </>
          )}
        </div>
      </form>
    </div>
  );
}
