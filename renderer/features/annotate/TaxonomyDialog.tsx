import { useState } from 'react';
import { ID_PATTERN, type AttributeDef } from '../../../shared/annotations';
import type { Label } from '../../../shared/model';
import type { AnnotateModel } from './model';

const ID = ID_PATTERN;

/** One label's row: rename, describe, recolour, re-key, attributes, retire / restore, merge. The id never changes. */
function LabelRow({ l, labels, model }: { l: Label; labels: Label[]; model: AnnotateModel }) {
  const [name, setName] = useState(l.name);
  const [description, setDescription] = useState(l.description);
  const [color, setColor] = useState(l.color);
  const [hotkey, setHotkey] = useState(l.hotkey ?? '');
  const [into, setInto] = useState('');
  const [attr, setAttr] = useState({ id: '', name: '', type: 'choice' as AttributeDef['type'], options: '' });
  const dirty = name !== l.name || description !== l.description || color !== l.color || hotkey !== (l.hotkey ?? '');
  const addAttribute = () => {
    const base = { id: attr.id.trim(), name: attr.name.trim() || attr.id.trim() };
    const def: AttributeDef =
      attr.type === 'choice'
        ? { ...base, type: 'choice', options: attr.options.split(',').map((o) => o.trim()).filter(Boolean) }
        : attr.type === 'number'
          ? { ...base, type: 'number', min: null, max: null }
          : { ...base, type: attr.type };
    void model.changeLabels('labels.update', { id: l.id, patch: { attributes: [...l.attributes, def] } }, `Attribute ${def.id} added to ${l.id}`).then((err) => {
      if (!err) setAttr({ id: '', name: '', type: 'choice', options: '' });
    });
  };
  return (
    <tr data-label-id={l.id} className={l.retired ? 'retired' : undefined}>
      <td><code>{l.id}</code>{l.mergedInto ? <div className="muted">merged into {l.mergedInto}</div> : l.retired ? <div className="muted">retired</div> : null}</td>
      <td><input aria-label={`Name of ${l.id}`} value={name} onChange={(e) => setName(e.target.value)} /></td>
      <td><input aria-label={`Description of ${l.id}`} value={description} onChange={(e) => setDescription(e.target.value)} /></td>
      <td><input aria-label={`Colour of ${l.id}`} type="color" value={color} onChange={(e) => setColor(e.target.value)} /></td>
      <td><input aria-label={`Key of ${l.id}`} value={hotkey} maxLength={1} size={2} onChange={(e) => setHotkey(e.target.value.toLowerCase())} disabled={l.retired} /></td>
      <td>
        <button type="button" disabled={!dirty} onClick={() => void model.changeLabels('labels.update', { id: l.id, patch: { name, description, color, hotkey: hotkey || null } }, `Label ${l.id} saved`)}>
          Save
        </button>
        {!l.mergedInto ? (
          <button type="button" onClick={() => void model.changeLabels('labels.retire', { id: l.id, retired: !l.retired }, `${l.retired ? 'Restored' : 'Retired'} ${l.id} (its annotations stay)`)}>
            {l.retired ? 'Restore' : 'Retire'}
          </button>
        ) : null}
        {!l.retired ? (
          <>
            <select aria-label={`Merge ${l.id} into`} value={into} onChange={(e) => setInto(e.target.value)}>
              <option value="">merge into…</option>
              {labels.filter((x) => x.id !== l.id && !x.retired).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
            </select>
            <button type="button" disabled={!into} onClick={() => void model.changeLabels('labels.merge', { from: l.id, into }, `Merged ${l.id} into ${into}`)}>Merge</button>
          </>
        ) : null}
      </td>
      <td>
        {l.attributes.map((a) => (
          <span key={a.id} className="attr">
            {a.name} <span className="muted">({a.type}{a.type === 'choice' ? `: ${a.options.join(', ')}` : ''})</span>
            <button type="button" aria-label={`Remove attribute ${a.id} of ${l.id}`} onClick={() => void model.changeLabels('labels.update', { id: l.id, patch: { attributes: l.attributes.filter((x) => x.id !== a.id) } }, `Attribute ${a.id} removed from ${l.id} (values stay on existing annotations)`)}>×</button>
          </span>
        ))}
        <span className="attr-new">
          <input aria-label={`New attribute id for ${l.id}`} placeholder="id" size={8} value={attr.id} onChange={(e) => setAttr({ ...attr, id: e.target.value })} />
          <input aria-label={`New attribute name for ${l.id}`} placeholder="name" size={8} value={attr.name} onChange={(e) => setAttr({ ...attr, name: e.target.value })} />
          <select aria-label={`New attribute type for ${l.id}`} value={attr.type} onChange={(e) => setAttr({ ...attr, type: e.target.value as AttributeDef['type'] })}>
            {(['choice', 'number', 'text', 'bool'] as const).map((t) => <option key={t}>{t}</option>)}
          </select>
          {attr.type === 'choice' ? <input aria-label={`New attribute options for ${l.id}`} placeholder="a, b, c" size={10} value={attr.options} onChange={(e) => setAttr({ ...attr, options: e.target.value })} /> : null}
          <button type="button" disabled={!ID.test(attr.id.trim())} onClick={addAttribute}>Add</button>
        </span>
      </td>
    </tr>
  );
}

/** The project's taxonomy: edit labels, add one. Every change is saved at once and can be undone. */
export function TaxonomyDialog({ model, labels, onClose }: { model: AnnotateModel; labels: Label[]; onClose: () => void }) {
  const [fresh, setFresh] = useState({ id: '', name: '', color: '#00aaff', hotkey: '' });
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="overlay" role="dialog" aria-label="Taxonomy" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="taxonomy">
        <h2>Labels</h2>
        <table>
          <thead>
            <tr><th>id</th><th>Name</th><th>Description</th><th>Colour</th><th>Key</th><th /><th>Attributes</th></tr>
          </thead>
          <tbody>
            {labels.map((l) => <LabelRow key={`${l.id}:${l.name}:${l.color}:${l.hotkey}:${l.description}`} l={l} labels={labels} model={model} />)}
          </tbody>
        </table>
        <form
          aria-label="New label"
          className="new-label"
          onSubmit={async (e) => {
            e.preventDefault();
            const err = await model.changeLabels(
              'labels.create',
              { id: fresh.id.trim(), name: fresh.name.trim() || fresh.id.trim(), color: fresh.color, hotkey: fresh.hotkey || null },
              `Label ${fresh.id} added`,
            );
            setError(err);
            if (!err) setFresh({ id: '', name: '', color: '#00aaff', hotkey: '' });
          }}
        >
          <b>New label</b>
          <input aria-label="New label id" placeholder="id (e.g. teeth_artifact)" value={fresh.id} onChange={(e) => setFresh({ ...fresh, id: e.target.value })} />
          <input aria-label="New label name" placeholder="name" value={fresh.name} onChange={(e) => setFresh({ ...fresh, name: e.target.value })} />
          <input aria-label="New label colour" type="color" value={fresh.color} onChange={(e) => setFresh({ ...fresh, color: e.target.value })} />
          <input aria-label="New label key" placeholder="key" maxLength={1} size={2} value={fresh.hotkey} onChange={(e) => setFresh({ ...fresh, hotkey: e.target.value.toLowerCase() })} />
          <button type="submit" disabled={!ID.test(fresh.id.trim())}>Add</button>
          {error ? <span className="error" role="alert">{error}</span> : null}
        </form>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
