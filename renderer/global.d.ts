import type { TellframeClient } from '../shared/api';

/**
 * What the desktop app's menu hands to the page (electron/main/menu.ts sends
 * it, electron/preload/index.ts delivers it). Opening another project is not
 * an event: the main process reloads the page, which starts from project.info.
 */
export type MenuEvent =
  /** File › Import Files… / Import Folder…: pass `paths` to media.import. */
  | { action: 'import'; paths: string[] }
  /**
   * View › Zoom In / Zoom Out / Fit / Actual Pixels: the player's frame zoom
   * (not the page zoom of the window).
   */
  | { action: 'view.zoom'; zoom: 'in' | 'out' | 'fit' | 'actual' }
  /** Help › Keyboard Shortcuts. */
  | { action: 'help.shortcuts' }
  /** Edit › Undo / Redo: the annotation history, or the typing in a focused text field. */
  | { action: 'edit.undo' }
  | { action: 'edit.redo' }
  /** File › Export… and File › Import Annotations…: the page opens its dialogs. */
  | { action: 'file.export' }
  | { action: 'file.importAnnotations' }
  | { action: 'file.report' };

/** Members only the Electron preload offers; the browser host has neither. */
export interface DesktopExtras {
  /** Listen for menu events; returns a function that stops listening. */
  onMenu?(listener: (event: MenuEvent) => void): () => void;
  /**
   * The file-system path of a File dropped on the page or picked in an
   * <input type="file"> (the sandbox hides File.path), for media.import.
   */
  pathForFile?(file: File): string;
}

export type DesktopClient = TellframeClient & DesktopExtras;

declare global {
  interface Window {
    /** Set by the Electron preload; undefined in the browser, which uses the web host. */
    tellframe?: DesktopClient;
  }
}
