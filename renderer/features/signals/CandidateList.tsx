import { memo, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { DEFAULT_CANDIDATE_PARAMS, type CandidateParams } from '../../../shared/candidates';
import type { Label } from '../../../shared/model';
import type { PlayerController } from '../player/controller';
import { DECISION_COLOUR } from './draw';
import { SIGNAL_NAMES, decisionOf, type CandidateRow, type SignalsModel } from './model';
import { PARAM_FIELDS, sameParams, shown, withField, type ParamField } from './params';

const MAX_ROWS = 200;

/**
 * The candidates the signals flag, beside the annotations: what each says,
 * its frames and label, the decision taken on it; click one to go to its
 * first frame; Accept makes the annotation (with its provenance), Dismiss
 * records it was looked at, Reopen forgets the decision. Above them, the
 * parameters they are derived with (kept per project).
 */
// Memoised: the panel around it renders on every frame the player shows, the list only when its own props change.
export const CandidateList = memo(function CandidateList({ signals, labels, videoId, player }: { signals: SignalsModel; labels: Label[]; videoId: number; player: PlayerController }) {
  const s = useSyncExternalStore(signals.subscribe, signals.getState);
  const scroller = useRef<HTMLDivElement>(null);
  const sv = s.videoId === videoId ? s.view : undefined;
  // The selected candidate (] / [, a click on a lane) scrolls into the list's view.
  useEffect(() => {
    if (!s.selected) return;
    const el = scroller.current?.querySelector(`tr[data-candidate-id="${CSS.escape(s.selected)}"]`);
    el?.scrollIntoView({ block: 'nearest' });
  }, [s.selected, sv]);
  if (!sv) return null;
  const list = sv.candidates;
  const count = (d: string) => list.filter((c) => decisionOf(c) === d).length;
  // A long list shows a window around the selected candidate.
  const at = Math.max(0, list.findIndex((c) => c.id === s.selected));
  const first = Math.max(0, Math.min(at - Math.floor(MAX_ROWS / 4), list.length - MAX_ROWS));
  const rows = list.slice(first, first + MAX_ROWS);
  const usable = labels.filter((l) => !l.retired && l.scope === 'frame');
  return (
    <section className="candidates" aria-label="Signal candidates" data-testid="candidates">
      <div className="candidates-head">
        <b>Candidates</b>
        <span className="muted">
          {list.length} with these parameters: {count('open')} open, {count('accepted')} accepted, {count('dismissed')} dismissed
        </span>
        <span className="muted">
          <kbd>]</kbd> / <kbd>[</kbd> next / previous, <kbd>A</kbd> accept, <kbd>X</kbd> dismiss
        </span>
        {s.status ? (
          <span className={s.status.error ? 'error' : 'muted'} role={s.status.error ? 'alert' : 'status'} data-testid="signals-status">
            {s.status.text}
          </span>
        ) : null}
      </div>
      <ParamsForm params={s.params} onParams={(p) => signals.setParams(p)} />
      <div className="candidate-scroll" ref={scroller}>
        <table className="candidate-list">
          <thead>
            <tr><th>Signal</th><th>Frames</th><th>What it says</th><th>Label</th><th>Decision</th><th /></tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <Row
                key={c.id}
                c={c}
                selected={c.id === s.selected}
                busy={s.deciding === c.id}
                labels={usable}
                label={s.labelFor[c.id] ?? c.label}
                onLabel={(l) => signals.setLabel(c.id, l)}
                onGo={() => {
                  signals.select(c.id);
                  player.goTo(c.startFrame);
                }}
                onDecide={(d) => void signals.decide(c.id, d)}
              />
            ))}
            {list.length === 0 ? <tr><td colSpan={6} className="muted">No candidates with these parameters.</td></tr> : null}
            {list.length > rows.length ? (
              <tr><td colSpan={6} className="muted">{first + 1}–{first + rows.length} of {list.length}, around the selected one</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
});

function Row({ c, selected, busy, labels, label, onLabel, onGo, onDecide }: {
  c: CandidateRow;
  selected: boolean;
  busy: boolean;
  labels: Label[];
  label: string;
  onLabel: (label: string) => void;
  onGo: () => void;
  onDecide: (d: 'accept' | 'dismiss' | 'reopen') => void;
}) {
  const d = decisionOf(c);
  const kept = c.decision?.decision === 'accepted' && c.decision.annotationExists;
  const frames = c.startFrame === c.endFrame ? String(c.startFrame) : `${c.startFrame}–${c.endFrame}`;
  const labelName = (id: string) => labels.find((l) => l.id === id)?.name ?? id;
  return (
    <tr
      data-testid="candidate"
      data-candidate-id={c.id}
      data-decision={d}
      aria-selected={selected}
      className={selected ? 'selected' : undefined}
      onClick={(e) => {
        // Buttons and the label choice act for themselves.
        if (!(e.target instanceof HTMLButtonElement || e.target instanceof HTMLSelectElement)) onGo();
      }}
    >
      <td><span className="swatch" style={{ background: DECISION_COLOUR[d] }} /> {SIGNAL_NAMES[c.signal]}</td>
      <td className="frames">
        <button type="button" className="link" onClick={onGo} title="Select it and go to its first frame">{frames}</button>
      </td>
      <td>{c.text}</td>
      <td>
        {d === 'accepted' && kept ? (
          labelName(label)
        ) : (
          <select aria-label={`Label for ${c.id}`} value={label} onChange={(e) => onLabel(e.target.value)} disabled={busy}>
            {labels.some((l) => l.id === label) ? null : <option value={label}>{label}</option>}
            {labels.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </select>
        )}
      </td>
      <td title={c.decision ? `${c.decision.actor}, ${c.decision.at}` : undefined}>
        {d === 'open' ? 'open' : d === 'dismissed' ? `dismissed by ${c.decision!.actor}` : kept ? `accepted by ${c.decision!.actor}` : `accepted by ${c.decision!.actor} (annotation deleted)`}
      </td>
      <td className="actions">
        {!kept ? <button type="button" onClick={() => onDecide('accept')} disabled={busy} aria-label={`Accept ${c.id}`}>Accept</button> : null}
        {d === 'open' ? <button type="button" onClick={() => onDecide('dismiss')} disabled={busy} aria-label={`Dismiss ${c.id}`}>Dismiss</button> : null}
        {d !== 'open' ? <button type="button" onClick={() => onDecide('reopen')} disabled={busy} aria-label={`Reopen ${c.id}`} title={kept ? 'Forget the decision; the annotation stays' : 'Forget the decision'}>Reopen</button> : null}
      </td>
    </tr>
  );
}

/** The parameters, applied as they are typed (when valid); the blink ones always in view, the rest folded. */
function ParamsForm({ params, onParams }: { params: CandidateParams; onParams: (p: CandidateParams) => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const field = (f: ParamField) => (
    <ParamInput
      key={f.key}
      f={f}
      params={params}
      onText={(text) => {
        const r = withField(params, f, text);
        const rest = { ...errors };
        delete rest[f.key];
        if ('error' in r) rest[f.key] = r.error;
        else onParams(r.params);
        setErrors(rest);
      }}
    />
  );
  const problems = Object.values(errors);
  return (
    <form className="signal-params" aria-label="Candidate parameters" onSubmit={(e) => e.preventDefault()}>
      {PARAM_FIELDS.filter((f) => f.main).map(field)}
      <details>
        <summary>More parameters</summary>
        <div className="more">{PARAM_FIELDS.filter((f) => !f.main).map(field)}</div>
      </details>
      <button
        type="button"
        disabled={sameParams(params, DEFAULT_CANDIDATE_PARAMS)}
        onClick={() => {
          setErrors({});
          onParams(DEFAULT_CANDIDATE_PARAMS);
        }}
      >
        Defaults
      </button>
      {problems.length ? <span className="error" role="alert">{problems.join('; ')}</span> : null}
    </form>
  );
}

function ParamInput({ f, params, onText }: { f: ParamField; params: CandidateParams; onText: (text: string) => void }) {
  const value = params[f.key];
  const [text, setText] = useState(shown(f, value));
  // A change from elsewhere (Defaults, another video of the project) shows; what is being typed and means the same stays.
  useEffect(() => {
    setText((t) => (Math.abs(Number(t) / f.scale - value) < 1e-9 ? t : shown(f, value)));
  }, [f, value]);
  return (
    <label title={`${f.min}–${f.max} ${f.unit}`}>
      {f.label}{' '}
      <input
        type="number"
        aria-label={f.label}
        step={f.step}
        min={f.min}
        max={f.max}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onText(e.target.value);
        }}
      />{' '}
      <span className="muted">{f.unit}</span>
    </label>
  );
}
