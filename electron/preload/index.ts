import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { audioPath, framePath, type FrameExt } from '../../shared/frameUrl';
import type { ErrorInfo, Result } from '../../shared/errors';
import type * as Host from '../host/ipc';
import type { MenuEvent } from '../../renderer/global';

/**
 * Exposes one typed client as window.tellframe (shared/api TellframeClient,
 * plus the desktop-only extras in renderer/global.d.ts) and nothing else:
 * never ipcRenderer, never a generic send. Runs sandboxed, so this file is
 * bundled into one CommonJS script whose only require is 'electron'.
 */

// The same names as electron/host/ipc.ts; the annotations make tsc fail if
// the two ever disagree, without importing main-process code into the page.
const CALL_CHANNEL: typeof Host.CALL_CHANNEL = 'tellframe:call';
const MENU_CHANNEL: typeof Host.MENU_CHANNEL = 'tellframe:menu';
const MEDIA_ORIGIN: `${typeof Host.MEDIA_SCHEME}://${typeof Host.MEDIA_HOST}` = 'tellframe://media';

/** One API call as a Result; never rejects, so the error code survives the bridge. */
async function invoke(method: unknown, input: unknown): Promise<Result<unknown>> {
  try {
    return (await ipcRenderer.invoke(CALL_CHANNEL, method, input)) as Result<unknown>;
  } catch (err) {
    return { ok: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } };
  }
}

function audioUrl(id: number): string {
  return MEDIA_ORIGIN + audioPath(id);
}

function frameUrl(id: number, index: number, ext: FrameExt = 'png'): string {
  return MEDIA_ORIGIN + framePath(id, index, ext);
}

const ZOOMS: ReadonlySet<unknown> = new Set<Extract<MenuEvent, { action: 'view.zoom' }>['zoom']>(['in', 'out', 'fit', 'actual']);

function isMenuEvent(value: unknown): value is MenuEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { action?: unknown; paths?: unknown; zoom?: unknown };
  if (v.action === 'help.shortcuts' || v.action === 'edit.undo' || v.action === 'edit.redo') return true;
  if (v.action === 'file.export' || v.action === 'file.importAnnotations') return true;
  if (v.action === 'view.zoom') return ZOOMS.has(v.zoom);
  return v.action === 'import' && Array.isArray(v.paths) && v.paths.every((p) => typeof p === 'string');
}

function onMenu(listener: (event: MenuEvent) => void): () => void {
  // The IPC event (which holds the sender) stays on this side of the bridge.
  const forward = (_event: IpcRendererEvent, payload: unknown): void => {
    if (isMenuEvent(payload)) listener(payload);
  };
  ipcRenderer.on(MENU_CHANNEL, forward);
  return () => {
    ipcRenderer.removeListener(MENU_CHANNEL, forward);
  };
}

function pathForFile(file: File): string {
  return webUtils.getPathForFile(file);
}

/**
 * Builds the client inside the page's own world. Errors crossing the context
 * bridge keep only their message (electron/electron context bridge: "Errors
 * aren't serializable"), so the preload hands over Results and this function,
 * which Electron serializes and runs in the main world, turns a failed Result
 * into an Error carrying `code`. It must not use anything from outside its body.
 */
function installClient(
  invokeFn: typeof invoke,
  frameUrlFn: typeof frameUrl,
  onMenuFn: typeof onMenu,
  pathForFileFn: typeof pathForFile,
  audioUrlFn: typeof audioUrl,
): void {
  class TellframeCallError extends Error {
    readonly code: ErrorInfo['code'];
    constructor(info: ErrorInfo) {
      super(info.message);
      this.name = 'TellframeError';
      this.code = info.code;
    }
  }
  const client = Object.freeze({
    async call(method: string, input: unknown): Promise<unknown> {
      const result = await invokeFn(method, input);
      if (result.ok) return result.value;
      throw new TellframeCallError(result.error);
    },
    frameUrl: (id: number, index: number, ext?: FrameExt) => frameUrlFn(id, index, ext),
    audioUrl: (id: number) => audioUrlFn(id),
    onMenu: (listener: (event: MenuEvent) => void) => onMenuFn(listener),
    pathForFile: (file: File) => pathForFileFn(file),
  });
  Object.defineProperty(window, 'tellframe', { value: client, enumerable: true, configurable: false, writable: false });
}

contextBridge.executeInMainWorld({ func: installClient, args: [invoke, frameUrl, onMenu, pathForFile, audioUrl] });
