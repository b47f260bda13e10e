import { useState } from 'react';
import type { TellframeClient } from '../../../shared/api';
import { IMPORT_FORMATS, type ImportFormat } from '../../../shared/exportFormats';
import { PathField } from '../import/PathField';
import { useEscape } from '../useEscape';

const TITLES: Record<ImportFormat, string> = {
  json: 'Tellframe native JSON',
  'cvat-video': 'CVAT for video 1.1 XML',
  lavdf: 'LAV-DF / AV-Deepfake1M metadata.json',
  dfdc: 'DFDC metadata.json (verdicts, originals)',
  elan: 'ELAN .eaf',
};

/** Guess the format from a file name (the user can change it). */
function guess(file: string): ImportFormat | null {
  const f = file.toLowerCase();
  if (f.endsWith('.eaf')) return 'elan';
  if (f.endsWith('.xml')) return 'cvat-video';
  if (f.endsWith('annotations.json')) return 'json';
  return null;
}

/**
 * Import annotations from a file: all or nothing; videos matched by sha256
 * or file name; foreign annotations arrive marked with their source. One
 * undo step takes the import's annotations back (links to originals stay).
 */
export function ImportAnnotationsDialog(props: { client: TellframeClient; home: string; onClose: () => void; onImported: () => void }) {
  const { client, onClose } = props;
  const [file, setFile] = useState(props.home ? props.home.replace(/\/?$/, '/') : '');
  const [format, setFormat] = useState<ImportFormat>('json');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEscape(onClose, !busy);
  const submit = async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await client.call('annotations.importFile', { path: file.trim(), format });
      setDone(`Imported ${r.annotations} annotations on ${r.videos} videos${r.labels ? `, ${r.labels} new labels` : ''}${r.links ? `, ${r.links} links to originals` : ''}.`);
      props.onImported();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Import annotations">
      <form
        className="export-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <h2>Import annotations</h2>
        <div className="row">
          <PathField
            client={client}
            value={file}
            onChange={(v) => {
              setFile(v);
              const g = guess(v);
              if (g) setFormat(g);
            }}
            label="File to import"
            placeholder="/path/to/annotations.xml"
          />
        </div>
        <label>
          Format{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as ImportFormat)} aria-label="Import format">
            {IMPORT_FORMATS.map((f) => (
              <option key={f} value={f}>{TITLES[f]}</option>
            ))}
          </select>
        </label>
        {error ? <p className="error" role="alert">{error}</p> : null}
        {done ? <p role="status" data-testid="import-annotations-result">{done}</p> : null}
        <div className="buttons">
          <button type="submit" disabled={busy || !file.trim()}>{busy ? 'Importing…' : 'Import'}</button>
          <button type="button" onClick={onClose} disabled={busy}>Close</button>
        </div>
      </form>
    </div>
  );
}
