import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { ANNOTATION_KINDS, METHODS, VERDICTS, type Annotation, type AttributeValue, type Attributes } from '../../../shared/annotations';
import type { TellframeClient } from '../../../shared/api';
import type { Label } from '../../../shared/model';
import { FindingDialog } from '../findings/FindingDialog';
import { AudioLanes } from '../audio/AudioLanes';
import type { PlayerController } from '../player/controller';
import { useAfterPicture } from '../player/useAfterPicture';
import { CandidateList } from '../signals/CandidateList';
import { SIGNAL_KEYS, signalKey, useSignals } from '../signals/keys';
import { SignalLanes } from '../signals/SignalLanes';
import { RESERVED_KEYS, type AnnotateModel } from './model';
import { TaxonomyDialog } from './TaxonomyDialog';
import { Timeline } from './Timeline';

function typing(e: KeyboardEvent): boolean {
  const t = e.target;
  return t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
}

/**
 * Tagging beside the player: I / O marks, a label key applies the label to
 * the range (or tags the current frame), a timeline with one lane per label,
 * the annotation list with filters, the verdict, undo / redo.
 */
export function AnnotatePanel({ model, player, client }: { model: AnnotateModel; player: PlayerController; client: TellframeClient }) {
  const s = useSyncExternalStore(model.subscribe, model.getState);
  const [editing, setEditing] = useState<string | null>(null);
  const [taxonomy, setTaxonomy] = useState(false);
  const [findingFor, setFindingFor] = useState<string | null>(null);
  const p = useSyncExternalStore(player.subscribe, player.getState);
  const video = p.video;
  const current = p.shown ?? p.requested;
  const signals = useSignals(client, model, player, video?.id ?? null);

  const openAnnotations = useCallback((id: number) => void model.open(id), [model]);
  useAfterPicture(player, video?.id ?? null, openAnnotations);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z') {
        e.preventDefault();
        void (e.shiftKey ? model.redo() : model.undo());
        return;
      }
      if (mod && key === 'y') {
        e.preventDefault();
        void model.redo();
        return;
      }
      if (mod || e.altKey) return;
      const frame = player.getState().shown ?? player.getState().requested;
      const st = model.getState();
      if (SIGNAL_KEYS.has(key)) signalKey(key, signals, frame, (f) => player.goTo(f));
      else if (key === 'i') model.setIn(frame);
      else if (key === 'o') model.setOut(frame);
      else if (key === 'b' || key === 'p' || key === 'n') {
        const tool = key === 'b' ? 'box' : key === 'p' ? 'polygon' : 'point';
        model.setTool(st.tool === tool ? null : tool);
      } else if (key === 'enter' && st.draft?.shape === 'polygon' && !st.draft.closed) {
        if (st.draft.points.length < 3) return;
        model.setDraft({ ...st.draft, closed: true });
      } else if (key === 'escape') {
        if (st.draft) model.setDraft(null);
        else if (st.tool) model.setTool(null);
        else if (st.selectedTrack) model.selectTrack(null);
        else model.clearMarks();
      } else {
        const label = key.length === 1 && !RESERVED_KEYS.has(key) ? model.labelForKey(key) : undefined;
        if (!label) return;
        void model.applyLabel(label.id, frame);
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [model, player, signals]);

  if (!video) return null;
  const n = video.frameCount;
  const active = s.labels.filter((l) => !l.retired);
  const win = model.window(current);
  const list = win.rows;
  const annotators = [...new Set(s.annotations.map((a) => a.annotator))];

  return (
    <section className="annotate" aria-label="Annotations">
      {s.user === null ? <UserPrompt onSave={(name) => model.setUser(name)} /> : null}
      <div className="marks">
        <span>
          In <b data-testid="mark-in">{s.markIn ?? '—'}</b> · Out <b data-testid="mark-out">{s.markOut ?? '—'}</b>
        </span>
        <span className="muted">I / O set marks, a label key applies it (no marks: tags this frame; a drawn shape: starts a region track)</span>
        <button type="button" onClick={() => void model.undo()} disabled={!s.history.undo} title={s.history.undo ? `Undo ${s.history.undo} (Ctrl+Z)` : 'Nothing to undo'}>
          Undo
        </button>
        <button type="button" onClick={() => void model.redo()} disabled={!s.history.redo} title={s.history.redo ? `Redo ${s.history.redo} (Ctrl+Shift+Z)` : 'Nothing to redo'}>
          Redo
        </button>
        {s.user ? <span className="muted" data-testid="annotator">annotating as <b>{s.user}</b></span> : null}
        {s.status ? (
          <span className={s.status.error ? 'error' : 'muted'} role={s.status.error ? 'alert' : 'status'} data-testid="annotate-status">
            {s.status.text}
          </span>
        ) : null}
      </div>
      <div className="tools" aria-label="Region tools">
        {(['box', 'polygon', 'point'] as const).map((t) => (
          <button key={t} type="button" aria-pressed={s.tool === t} onClick={() => model.setTool(s.tool === t ? null : t)} title={`${t} tool (${t === 'box' ? 'B' : t === 'polygon' ? 'P' : 'N'})`}>
            {t}
          </button>
        ))}
        {s.selectedTrack ? (
          <>
            <span className="muted">track:</span>
            <button type="button" onClick={() => void model.keyframeHere(current)}>Keyframe here</button>
            <button type="button" onClick={() => void model.removeKeyframe(current)}>Remove keyframe</button>
            <button type="button" onClick={() => void model.outsideHere(current)}>Outside from here</button>
            <button type="button" onClick={() => model.selectTrack(null)}>Deselect</button>
          </>
        ) : null}
      </div>
      <div className="palette" aria-label="Labels">
        <button type="button" onClick={() => setTaxonomy(true)} title="Edit the labels of this project">Labels…</button>
        {active.map((l) => (
          <button key={l.id} type="button" onClick={() => void model.applyLabel(l.id, current)} title={l.description} style={{ borderColor: l.color }}>
            {l.hotkey ? <kbd>{l.hotkey}</kbd> : null} {l.name}
          </button>
        ))}
      </div>
      <Timeline
        annotations={s.annotations}
        labels={s.labels}
        frameCount={n}
        current={current}
        keyframes={player.keyframes}
        onSeek={(f) => player.goTo(f)}
        onChange={(id, startFrame, endFrame) => {
          const a = s.annotations.find((x) => x.id === id);
          void model.update(id, a?.kind === 'frame_tag' ? { startFrame } : { startFrame, endFrame }, `Moved to frames ${startFrame}–${endFrame}`);
        }}
      >
        {(view, width) => (
          <>
            <AudioLanes key={video.id} client={client} player={player} video={video} view={view} width={width} current={current} />
            <SignalLanes key={`signals-${video.id}`} client={client} player={player} signals={signals} video={video} view={view} width={width} current={current} />
          </>
        )}
      </Timeline>
      <CandidateList signals={signals} labels={s.labels} videoId={video.id} player={player} />
      <VerdictPanel key={video.id} model={model} mine={model.myVerdict()} />
      <div className="list-filters">
        <label>
          Label{' '}
          <select aria-label="Filter by label" value={s.filter.label} onChange={(e) => model.setFilter({ label: e.target.value })}>
            <option value="">all</option>
            {s.labels.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </select>
        </label>
        <label>
          Kind{' '}
          <select aria-label="Filter by kind" value={s.filter.kind} onChange={(e) => model.setFilter({ kind: e.target.value as typeof s.filter.kind })}>
            <option value="">all</option>
            {ANNOTATION_KINDS.map((k) => <option key={k} value={k}>{k.replace('_', ' ')}</option>)}
          </select>
        </label>
        <label>
          Annotator{' '}
          <select aria-label="Filter by annotator" value={s.filter.annotator} onChange={(e) => model.setFilter({ annotator: e.target.value })}>
            <option value="">all</option>
            {annotators.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
        <label>
          <input type="checkbox" aria-label="Findings only" checked={s.filter.findings} onChange={(e) => model.setFilter({ findings: e.target.checked })} /> Findings only
        </label>
      </div>
      <table className="annotation-list" data-testid="annotation-list">
        <thead>
          <tr><th>Kind</th><th>Label</th><th>Frames</th><th>Annotator</th><th>Note</th><th>Finding</th><th /></tr>
        </thead>
        <tbody>
          {list.map((a) => (
            <Row
              key={a.id}
              a={a}
              labelName={s.labels.find((l) => l.id === a.label)?.name ?? (a.verdict ? a.verdict.value : '')}
              onGo={() => player.goTo(a.startFrame)}
              onEdit={a.kind === 'verdict' ? undefined : () => setEditing(a.id)}
              onFinding={() => setFindingFor(a.id)}
              onDelete={() => void model.remove(a.id)}
            />
          ))}
          {list.length === 0 ? <tr><td colSpan={7} className="muted">No annotations{s.annotations.length ? ' match the filter' : ' yet'}.</td></tr> : null}
          {win.total > list.length ? (
            <tr><td colSpan={7} className="muted" data-testid="list-window">{win.first + 1}–{win.first + list.length} of {win.total}, around frame {current}</td></tr>
          ) : null}
        </tbody>
      </table>
      {findingFor && s.annotations.some((a) => a.id === findingFor) ? (
        <FindingDialog
          key={findingFor}
          client={client}
          video={video}
          annotation={s.annotations.find((a) => a.id === findingFor)!}
          label={s.labels.find((l) => l.id === s.annotations.find((a) => a.id === findingFor)!.label)}
          current={current}
          onSave={(finding) => model.setFinding(findingFor, finding)}
          onClose={() => setFindingFor(null)}
        />
      ) : null}
      {taxonomy ? <TaxonomyDialog model={model} labels={s.labels} onClose={() => setTaxonomy(false)} /> : null}
      {editing && s.annotations.some((a) => a.id === editing) ? (
        <Editor
          key={editing}
          a={s.annotations.find((a) => a.id === editing)!}
          labels={s.labels}
          onCancel={() => setEditing(null)}
          onSave={async (patch) => {
            if (await model.update(editing, patch, 'Saved')) setEditing(null);
          }}
        />
      ) : null}
    </section>
  );
}

function Row({ a, labelName, onGo, onEdit, onFinding, onDelete }: { a: Annotation; labelName: string; onGo: () => void; onEdit?: () => void; onFinding: () => void; onDelete: () => void }) {
  return (
    <tr data-annotation-id={a.id} data-kind={a.kind}>
      <td>{a.kind.replace('_', ' ')}</td>
      <td>{labelName}</td>
      <td>
        <button type="button" className="link" onClick={onGo} title="Go to its first frame">
          {a.startFrame === a.endFrame ? a.startFrame : `${a.startFrame}–${a.endFrame}`}
        </button>
      </td>
      <td>{a.annotator}</td>
      <td>{a.note}</td>
      <td>
        {a.finding ? (
          <span className={`finding-badge status-${a.finding.status}`} title={a.finding.statement || 'no statement'} data-testid="finding-badge">
            {a.finding.status.replace('_', ' ')} @ {a.finding.frame}
          </span>
        ) : null}
      </td>
      <td>
        <button type="button" onClick={onFinding} aria-label={`Finding ${a.kind} ${labelName} ${a.startFrame}`} title="Mark as a finding for the report">Finding…</button>
        {onEdit ? <button type="button" onClick={onEdit} aria-label={`Edit ${a.kind} ${labelName} ${a.startFrame}`}>Edit</button> : null}
        <button type="button" onClick={onDelete} aria-label={`Delete ${a.kind} ${labelName} ${a.startFrame}`}>Delete</button>
      </td>
    </tr>
  );
}

/**
 * Edit one annotation: its label, frames (segments and frame tags; a track's
 * come from its keyframes), note and the attributes its label defines.
 */
function Editor({ a, labels, onSave, onCancel }: { a: Annotation; labels: Label[]; onSave: (patch: { label?: string; startFrame?: number; endFrame?: number; note?: string; attributes?: Attributes }) => Promise<void>; onCancel: () => void }) {
  const [label, setLabel] = useState(a.label ?? '');
  const [start, setStart] = useState(String(a.startFrame));
  const [end, setEnd] = useState(String(a.endFrame));
  const [note, setNote] = useState(a.note);
  const [attrs, setAttrs] = useState<Attributes>(a.attributes);
  const def = labels.find((l) => l.id === label);
  const usable = labels.filter((l) => !l.retired || l.id === a.label);
  const set = (id: string, v: AttributeValue | undefined) => {
    const next = { ...attrs };
    if (v === undefined || v === '') delete next[id];
    else next[id] = v;
    setAttrs(next);
  };
  return (
    <form
      className="editor"
      aria-label="Edit annotation"
      onSubmit={(e) => {
        e.preventDefault();
        // Attributes the chosen label does not define are dropped with the change of label.
        const kept = Object.fromEntries(Object.entries(attrs).filter(([k]) => def?.attributes.some((d) => d.id === k)));
        const frames = a.kind === 'segment' ? { startFrame: Number(start), endFrame: Number(end) } : a.kind === 'frame_tag' ? { startFrame: Number(start) } : {};
        void onSave({ label, note, attributes: kept, ...frames });
      }}
    >
      <b>Edit {a.kind.replace('_', ' ')}</b>
      <select aria-label="Label" value={label} onChange={(e) => setLabel(e.target.value)}>
        {usable.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
      </select>
      {a.kind === 'segment' || a.kind === 'frame_tag' ? (
        <input aria-label={a.kind === 'segment' ? 'First frame' : 'Frame'} type="number" min={0} value={start} onChange={(e) => setStart(e.target.value)} />
      ) : null}
      {a.kind === 'segment' ? <input aria-label="Last frame" type="number" min={0} value={end} onChange={(e) => setEnd(e.target.value)} /> : null}
      {def?.attributes.map((d) => {
        const v = attrs[d.id];
        if (d.type === 'choice') {
          return (
            <select key={d.id} aria-label={d.name} value={typeof v === 'string' ? v : ''} onChange={(e) => set(d.id, e.target.value || undefined)}>
              <option value="">{d.name} —</option>
              {d.options.map((o) => <option key={o} value={o}>{o.replace('_', ' ')}</option>)}
            </select>
          );
        }
        if (d.type === 'number') {
          return (
            <input key={d.id} aria-label={d.name} type="number" step="any" placeholder={d.name} min={d.min ?? undefined} max={d.max ?? undefined}
              value={typeof v === 'number' ? String(v) : ''} onChange={(e) => set(d.id, e.target.value === '' ? undefined : Number(e.target.value))} />
          );
        }
        if (d.type === 'bool') {
          return (
            <label key={d.id}>
              <input type="checkbox" aria-label={d.name} checked={v === true} onChange={(e) => set(d.id, e.target.checked ? true : undefined)} /> {d.name}
            </label>
          );
        }
        return <input key={d.id} aria-label={d.name} placeholder={d.name} value={typeof v === 'string' ? v : ''} onChange={(e) => set(d.id, e.target.value || undefined)} />;
      })}
      <input aria-label="Note" placeholder="note" value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit">Save</button>
      <button type="button" onClick={onCancel}>Cancel</button>
    </form>
  );
}

function VerdictPanel({ model, mine }: { model: AnnotateModel; mine: Annotation | undefined }) {
  const [value, setValue] = useState<string>(mine?.verdict?.value ?? '');
  const [method, setMethod] = useState<string>(mine?.verdict?.method ?? '');
  const [confidence, setConfidence] = useState<string>(mine?.verdict?.confidence != null ? String(mine.verdict.confidence) : '');
  const [note, setNote] = useState<string>(mine?.note ?? '');
  // Refill the form when the stored verdict changes (saved or undone), not on
  // every reload of the list, which would drop unsaved edits. Another video
  // remounts the panel (key).
  // The effect reads `mine` but is keyed on its identity and time on purpose.
  const savedAt = mine ? `${mine.id}@${mine.updatedAt}` : null;
  useEffect(() => {
    setValue(mine?.verdict?.value ?? '');
    setMethod(mine?.verdict?.method ?? '');
    setConfidence(mine?.verdict?.confidence != null ? String(mine.verdict.confidence) : '');
    setNote(mine?.note ?? '');
  }, [savedAt]);
  return (
    <form
      className="verdict"
      aria-label="Verdict"
      onSubmit={(e) => {
        e.preventDefault();
        if (!value) return;
        const c = confidence.trim() === '' ? null : Number(confidence);
        void model.setVerdict({
          value: value as (typeof VERDICTS)[number],
          method: method ? (method as (typeof METHODS)[number]) : null,
          confidence: c !== null && Number.isFinite(c) ? c : null,
          note,
        });
      }}
    >
      <b>Verdict</b>
      <select aria-label="Verdict" value={value} onChange={(e) => setValue(e.target.value)}>
        <option value="">—</option>
        {VERDICTS.map((v) => <option key={v} value={v}>{v}</option>)}
      </select>
      <select aria-label="Suspected method" value={method} onChange={(e) => setMethod(e.target.value)}>
        <option value="">method —</option>
        {METHODS.map((m) => <option key={m} value={m}>{m.replace('_', ' ')}</option>)}
      </select>
      <input aria-label="Confidence" type="number" min={0} max={1} step={0.05} placeholder="confidence 0–1" value={confidence} onChange={(e) => setConfidence(e.target.value)} />
      <input aria-label="Verdict note" placeholder="note" value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" disabled={!value}>Save verdict</button>
      {mine?.verdict ? <span className="muted" data-testid="verdict-saved">saved: {mine.verdict.value}</span> : null}
    </form>
  );
}

function UserPrompt({ onSave }: { onSave: (name: string) => Promise<string | null> }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="user-prompt"
      aria-label="Annotator name"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(await onSave(name));
      }}
    >
      <label>
        Your name, recorded with each annotation:{' '}
        <input aria-label="Your name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <button type="submit">Save</button>
      {error ? <span className="error" role="alert">{error}</span> : null}
    </form>
  );
}
