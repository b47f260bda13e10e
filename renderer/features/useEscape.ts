import { useEffect } from 'react';

/**
 * Esc calls `onEscape` wherever the focus is while the component is shown
 * (a dialog whose focused button got disabled drops the focus to the page,
 * where a key handler on the dialog would never see the key).
 */
export function useEscape(onEscape: () => void, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onEscape();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onEscape, enabled]);
}
