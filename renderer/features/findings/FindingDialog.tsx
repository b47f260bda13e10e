import { useState } from 'react';
import type { TellframeClient } from '../../../shared/api';
import { FINDING_STATUS_NAMES, FINDING_STATUSES, shapeAt, type Annotation, type FindingStatus, type ShapeAt } from '../../../shared/annotations';
import type { Label, VideoSummary } from '../../../shared/model';
import { Shape } from '../annotate/RegionOverlay';
import { useEscape } from '../useEscape';


/**
 * Mark an annotation as a finding: its status, the analyst's statement and
 * the exact frame its stills show (within the annotation), previewed beside
 * its neighbouring frames with the region drawn over them, as the report
 * will show them.
 */
export function FindingDialog(props: {
  client: TellframeClient;
  video: Pick<VideoSummary, 'id' | 'width' | 'height' | 'frameCount'>;
  annotation: Annotation;
  label: Label | undefined;
  current: number;
  onSave: (finding: { status: FindingStatus; statement: string; frame: number } | null) => Promise<boolean>;
  onClose: () => void;
}) {
  const { annotation: a, video } = props;
  const clamp = (f: number) => Math.min(a.endFrame, Math.max(a.startFrame, f));
  const [status, setStatus] = useState<FindingStatus>(a.finding?.status ?? 'to_check');
  const [statement, setStatement] = useState(a.finding?.statement ?? '');
  const [frame, setFrame] = useState(String(a.finding?.frame ?? clamp(props.current)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEscape(props.onClose, !busy);

  const f = Number(frame);
  const valid = frame.trim() !== '' && Number.isInteger(f) && f >= a.startFrame && f <= a.endFrame;
  const shown = valid ? [f - 1, f, f + 1].filter((x) => x >= 0 && x < video.frameCount) : [];
  const name = props.label?.name ?? (a.verdict ? `verdict ${a.verdict.value}` : a.kind);

  const save = async (finding: Parameters<typeof props.onSave>[0]) => {
    if (finding && !valid) {
      setError(`The still frame must be a frame of the annotation (${a.startFrame}–${a.endFrame}).`);
      return;
    }
    setBusy(true);
    setError(null);
    const ok = await props.onSave(finding);
    setBusy(false);
    if (ok) props.onClose();
    else setError('Not saved: see the status line.');
  };

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Finding">
      <form
        className="export-dialog finding-dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save({ status, statement, frame: f });
        }}
      >
        <h2>
          Finding: {name}, frames {a.startFrame === a.endFrame ? a.startFrame : `${a.startFrame}–${a.endFrame}`}
        </h2>
        <fieldset disabled={busy}>
          <div className="row" role="radiogroup" aria-label="Status">
            {FINDING_STATUSES.map((s) => (
              <label key={s} className={`status-${s}`}>
                <input type="radio" name="status" checked={status === s} onChange={() => setStatus(s)} /> {FINDING_STATUS_NAMES[s]}
              </label>
            ))}
          </div>
          <label>
            Statement
            <textarea aria-label="Statement" rows={4} value={statement} maxLength={100_000} onChange={(e) => setStatement(e.target.value)}
              placeholder="What the reader should see in these frames, and why it matters" />
          </label>
          <div className="row">
            <label>
              Still frame{' '}
              <input type="number" aria-label="Still frame" min={a.startFrame} max={a.endFrame} value={frame}
                onChange={(e) => {
                  setFrame(e.target.value);
                  setError(null);
                }} />
            </label>
            <button type="button" onClick={() => setFrame(String(clamp(props.current)))} title="The frame on screen (kept within the annotation)">
              Use frame {clamp(props.current)}
            </button>
          </div>
        </fieldset>
        <div className="stills" data-testid="finding-stills">
          {shown.map((x) => (
            <figure key={x} className={x === f ? 'main' : ''}>
              <div className="pic" style={{ aspectRatio: `${video.width} / ${video.height}` }}>
                <img src={props.client.frameUrl(video.id, x, 'png')} alt={`frame ${x}`} />
                <Region shape={a.keyframes ? shapeAt(a.keyframes, x) : null} width={video.width} height={video.height} colour={props.label?.color ?? '#ff5252'} />
              </div>
              <figcaption>
                frame {x}
                {x === f ? ' (finding)' : ''}
              </figcaption>
            </figure>
          ))}
        </div>
        {error ? <p className="error" role="alert">{error}</p> : null}
        <div className="buttons">
          {a.finding ? (
            <button type="button" disabled={busy} onClick={() => void save(null)}>Not a finding</button>
          ) : null}
          <button type="submit" disabled={busy}>Save finding</button>
          <button type="button" onClick={props.onClose}>Cancel</button>
        </div>
      </form>
    </div>
  );
}

function Region({ shape, width, height, colour }: { shape: ShapeAt | null; width: number; height: number; colour: string }) {
  if (!shape) return null;
  return (
    <svg className="region" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none">
      <Shape s={shape} color={colour} dashed={!shape.keyframe} />
    </svg>
  );
}
