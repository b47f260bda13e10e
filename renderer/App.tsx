import { useEffect, useState, useSyncExternalStore } from 'react';
import { ExportDialog } from './features/export/ExportDialog';
import { ImportAnnotationsDialog } from './features/export/ImportAnnotationsDialog';
import { ForensicsDialog } from './features/forensics/ForensicsDialog';
import { HistoryDialog } from './features/history/HistoryDialog';
import { ReportDialog } from './features/report/ReportDialog';
import { CompareView } from './features/compare/CompareView';
import { PathField } from './features/import/PathField';
import type { TellframeClient } from '../shared/api';
import { AnnotatePanel } from './features/annotate/AnnotatePanel';
import { RegionOverlay } from './features/annotate/RegionOverlay';
import { FaceOverlay } from './features/signals/FaceOverlay';
import { Library } from './features/library/Library';
import { Player } from './features/player/Player';
import { ProjectChooser } from './features/project/ProjectChooser';
import type { AppState, Store } from './state/store';

export function App({ store }: { store: Store }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [dialog, setDialog] = useState<'export' | 'import' | 'history' | 'forensics' | 'report' | 'compare' | null>(null);
  // Desktop menu: File › Import… hands paths to the page, which runs the import and shows progress.
  useEffect(
    () =>
      window.tellframe?.onMenu?.((e) => {
        if (e.action === 'import') void store.importPaths(e.paths);
        else if (e.action === 'file.export') setDialog('export');
        else if (e.action === 'file.importAnnotations') setDialog('import');
        else if (e.action === 'file.report') setDialog('report');
        else if (e.action === 'view.zoom') store.player.zoomStep(e.zoom);
        else if (e.action === 'edit.undo' || e.action === 'edit.redo') {
          const el = document.activeElement;
          // In a text field the menu undoes typing, as everywhere else.
          if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) document.execCommand(e.action === 'edit.undo' ? 'undo' : 'redo');
          else void (e.action === 'edit.undo' ? store.annotate.undo() : store.annotate.redo());
        }
      }),
    [store],
  );
  // In the browser there is no File menu: Ctrl+E (⌘E) opens the export dialog as the desktop menu's accelerator does.
  useEffect(() => {
    if (window.tellframe?.onMenu) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'e' && store.getState().projectPath) {
        e.preventDefault();
        setDialog('export');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
  if (!state.ready) return <div className="empty">Loading…</div>;
  return (
    <>
      <header>
        <h1>Tellframe</h1>
        <span className="path" data-testid="project-path">{state.projectPath ?? 'no project open'}</span>
        {state.projectPath ? (
          <span className="header-actions">
            <button type="button" onClick={() => setDialog('forensics')} disabled={state.selectedId === null} title="Container, streams, timing and flags of the open video">
              Forensics…
            </button>
            <button type="button" onClick={() => setDialog('compare')} disabled={state.selectedId === null || state.videos.length < 2} title="Step this video beside its original: side by side, wipe, difference">
              Compare…
            </button>
            <button type="button" onClick={() => setDialog('report')} disabled={state.selectedId === null} title="Evidence report of the open video (HTML and PDF)">
              Report…
            </button>
            <button type="button" onClick={() => setDialog('history')}>History…</button>
            <button type="button" onClick={() => setDialog('import')}>Import annotations…</button>
            <button type="button" onClick={() => setDialog('export')} title="Export (Ctrl+E)">Export…</button>
          </span>
        ) : null}
      </header>
      {dialog === 'export' && state.projectPath ? (
        <ExportDialog client={store.client} home={state.home} videoCount={state.videos.length} selectedId={state.selectedId} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'forensics' && state.projectPath && store.selected() ? (
        <ForensicsDialog client={store.client} video={store.selected()!} onClose={() => setDialog(null)} onTagged={() => void store.annotate.reload()} onGo={(f) => {
          setDialog(null);
          store.player.goTo(f);
        }} />
      ) : null}
      {dialog === 'compare' && state.projectPath && store.selected() ? (
        <CompareView
          client={store.client}
          video={store.selected()!}
          videos={state.videos}
          start={store.player.getState().shown ?? 0}
          onClose={() => setDialog(null)}
          onLinked={() => void store.refresh()}
        />
      ) : null}
      {dialog === 'report' && state.projectPath && store.selected() ? (
        <ReportDialog
          client={store.client}
          home={state.home}
          video={store.selected()!}
          user={store.annotate.getState().user}
          findings={store.annotate.getState().annotations.filter((a) => a.finding).length}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'history' && state.projectPath ? <HistoryDialog client={store.client} videos={state.videos} onClose={() => setDialog(null)} /> : null}
      {dialog === 'import' && state.projectPath ? (
        <ImportAnnotationsDialog
          client={store.client}
          home={state.home}
          onClose={() => setDialog(null)}
          onImported={() => {
            void store.refresh();
            void store.annotate.reload();
          }}
        />
      ) : null}
      {state.projectPath ? (
        <main>
          <Library store={store} state={state} />
          {state.selectedId !== null ? (
            <div className="work">
              <IntegrityBanner key={state.selectedId} check={state.integrity[state.selectedId]} client={store.client} onRelink={(file) => store.relink(state.selectedId!, file)} />
              <Player player={store.player} overlay={<><FaceOverlay client={store.client} player={store.player} /><RegionOverlay model={store.annotate} player={store.player} /></>} />
              <AnnotatePanel model={store.annotate} player={store.player} client={store.client} />
            </div>
          ) : (
            <div className="empty">Select a video.</div>
          )}
        </main>
      ) : (
        <ProjectChooser store={store} state={state} />
      )}
    </>
  );
}

/**
 * Loud when the open video's file no longer matches the hash recorded on
 * import (or cannot be read); offers to relink the original where it is now.
 */
function IntegrityBanner(props: { check: AppState['integrity'][number] | undefined; client: TellframeClient; onRelink: (file: string) => Promise<string | null> }) {
  const { check } = props;
  const [relinking, setRelinking] = useState(false);
  const [file, setFile] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!check || check === 'checking' || check.status === 'ok') return null;
  return (
    <div className="integrity" role="alert" data-testid="integrity-warning">
      {check.status === 'missing'
        ? `The original file is missing or unreadable: ${check.path}. The frames shown may come from the cache; findings cannot be checked against it.`
        : `This file has CHANGED since it was imported: its SHA-256 is now ${check.actual}, not ${check.expected}. Frames and findings may no longer match the original.`}{' '}
      {relinking ? (
        <form
          className="relink"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            void props.onRelink(file.trim()).then((err) => {
              setBusy(false);
              setError(err);
              if (!err) setRelinking(false);
            });
          }}
        >
          <PathField client={props.client} value={file} onChange={setFile} label="Where the original is now" placeholder="/path/to/the/original" />
          <button type="submit" disabled={busy || !file.trim()}>{busy ? 'Checking…' : 'Relink'}</button>
          <button type="button" onClick={() => setRelinking(false)}>Cancel</button>
          {error ? <div className="relink-error">{error}</div> : null}
        </form>
      ) : (
        <button type="button" onClick={() => setRelinking(true)}>Relink…</button>
      )}
    </div>
  );
}

