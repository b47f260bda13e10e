export const SHORTCUTS: [string, string][] = [
  ['← / →  or  , / .', 'previous / next frame'],
  ['Shift + ← / →', '10 frames back / forward'],
  ['Home / End', 'first / last frame'],
  ['Space', 'play / pause'],
  ['J / K / L', 'play backward (faster) / pause / play forward (faster)'],
  ['G', 'go to a frame or a time'],
  ['M', 'mute / unmute the sound'],
  ['+ / − / 0', 'zoom in / out / fit (Ctrl + wheel zooms, drag pans)'],
  ['I / O', 'mark in / out at this frame'],
  ['1 … 9 (label keys)', 'apply the label: to the in–out range, a drawn shape, or this frame'],
  ['B / P / N', 'box / polygon / point tool (Enter closes a polygon)'],
  ['] / [', 'select the next / previous signal candidate and go to its first frame'],
  ['A / X', 'accept the selected candidate as an annotation / dismiss it'],
  ['Ctrl + Z / Ctrl + Shift + Z', 'undo / redo any change (also after a restart)'],
  ['Ctrl + E', 'export (formats, splits, frames) with progress'],
  ['?', 'this help'],
  ['Esc', 'close dialogs; drop a drawn shape, the tool, the selection or the marks'],
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div className="help" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, what]) => (
              <tr key={k}>
                <th scope="row">
                  <kbd>{k}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
