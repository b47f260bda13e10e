import { useState } from 'react';
import type { TellframeClient } from '../../../shared/api';
import type { VideoSummary } from '../../../shared/model';
import { ReportOptionsSchema } from '../../../shared/report';
import { PathField } from '../import/PathField';
import { useEscape } from '../useEscape';
import { firstIssue, useJob } from '../useJob';
import { JobPanel } from '../JobPanel';

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/**
 * The evidence report of the open video: case number, analyst, where to
 * write it, how many neighbouring frames to show; then progress with Cancel
 * and what was written. The file is re-hashed and the audit chain checked
 * first; a failed check refuses the report unless the analyst asks for one
 * that says so.
 */
export function ReportDialog(props: { client: TellframeClient; home: string; video: VideoSummary; user: string | null; findings: number; onClose: () => void }) {
  const { client, video, onClose } = props;
  const [caseNumber, setCaseNumber] = useState('');
  const [analyst, setAnalyst] = useState(props.user ?? '');
  const stem = baseName(video.path).replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || `video_${video.id}`;
  const [out, setOut] = useState(props.home ? `${props.home.replace(/\/?$/, '/')}tellframe-report-${stem}` : '');
  const [neighbours, setNeighbours] = useState(1);
  const [pdf, setPdf] = useState(true);
  const [overwrite, setOverwrite] = useState(false);
  const [allowFailedCheck, setAllowFailedCheck] = useState(false);
  const { job, running, error, refuse, launch } = useJob((jobId) => client.call('report.status', { jobId }));
  useEscape(onClose, !running);

  const start = () => {
    const parsed = ReportOptionsSchema.safeParse({ videoId: video.id, out: out.trim(), caseNumber, analyst: analyst.trim() || undefined, neighbours, pdf, overwrite, allowFailedCheck });
    if (!parsed.success) return refuse(firstIssue(parsed.error));
    void launch(() => client.call('report.start', parsed.data));
  };

  const p = job?.progress;
  const r = job?.result;
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Evidence report">
      <form
        className="export-dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!running) start();
        }}
      >
        <h2>Evidence report: {baseName(video.path)}</h2>
        <p className="muted">
          {props.findings} finding{props.findings === 1 ? '' : 's'} on this video (mark annotations with Finding… in the list). The file is re-hashed and the audit chain checked before the report is written.
        </p>
        <fieldset disabled={running}>
          <div className="row">
            <label>
              Case number <input type="text" aria-label="Case number" value={caseNumber} maxLength={200} onChange={(e) => setCaseNumber(e.target.value)} />
            </label>
            <label>
              Analyst <input type="text" aria-label="Analyst" value={analyst} maxLength={200} placeholder="the annotator's name" onChange={(e) => setAnalyst(e.target.value)} />
            </label>
          </div>
          <div className="row">
            <PathField client={client} value={out} onChange={setOut} label="Report folder" placeholder="/path/to/new/folder" />
          </div>
          <div className="row">
            <label>
              Neighbouring frames each side{' '}
              <select aria-label="Neighbouring frames" value={neighbours} onChange={(e) => setNeighbours(Number(e.target.value))}>
                {[0, 1, 2, 3].map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            </label>
            <label>
              <input type="checkbox" checked={pdf} onChange={(e) => setPdf(e.target.checked)} /> PDF as well as HTML
            </label>
            <label>
              <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> Replace an earlier report in the folder
            </label>
          </div>
          <label>
            <input type="checkbox" checked={allowFailedCheck} onChange={(e) => setAllowFailedCheck(e.target.checked)} /> Write it even if the file changed or the history is broken (the report then says so at its top)
          </label>
        </fieldset>
        {error ? <p className="error" role="alert">{error}</p> : null}
        {job ? (
          <JobPanel
            job={job}
            label="Report progress"
            testId="report-job"
            running={p?.what ?? 'Starting…'}
            done={r ? `Wrote ${r.html}${r.pdf ? ` and ${r.pdf}` : ''} (${r.findings} finding${r.findings === 1 ? '' : 's'}, ${r.stills} still${r.stills === 1 ? '' : 's'}). Audit head ${r.auditHead.slice(0, 16)}…` : ''}
            ended={{ cancelled: 'Cancelled: nothing was written.', failed: 'Failed: nothing was written.' }}
          >
            {r && (r.media !== 'ok' || !r.auditOk) ? (
              <p className="error" role="alert">The integrity check failed (file {r.media}, history {r.auditOk ? 'intact' : 'broken'}); the report says so at its top.</p>
            ) : null}
          </JobPanel>
        ) : null}
        <div className="buttons">
          {running ? (
            <button type="button" onClick={() => job && void client.call('report.cancel', { jobId: job.jobId })}>Cancel report</button>
          ) : (
            <>
              <button type="submit">Write report</button>
              <button type="button" onClick={onClose}>Close</button>
            </>
          )}
        </div>
      </form>
    </div>
  );
}
