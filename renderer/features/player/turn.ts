import type { CSSProperties } from 'react';

/**
 * How the player turns a video whose stream says to show it rotated (a
 * phone's rotation tag): the stage (the canvas and everything drawn over it
 * in image pixels) keeps the stored picture's orientation and is turned by
 * CSS, so pixels, frame truth and coordinates stay the stored ones and only
 * the view turns. For a quarter turn the stage takes the view's size with
 * width and height swapped (fitted) or the zoomed picture's size, and an
 * outer box of the turned size keeps scrolling right when zoomed.
 */
export interface Turned {
  /** A box of the turned picture's size, around the stage (zoomed quarter turns only). */
  outer: CSSProperties | null;
  stage: CSSProperties;
}

export function turnedStage(rotation: 0 | 90 | 180 | 270, zoom: number | null, width: number, height: number, view: { width: number; height: number }): Turned | null {
  if (rotation === 0) return null;
  const quarter = rotation % 180 !== 0;
  const transform = `rotate(${rotation}deg)`;
  if (zoom === null) {
    if (!quarter) return { outer: null, stage: { transform } };
    // Fitted: the stage, sized as the view turned, turned about its centre back into the view.
    return {
      outer: null,
      stage: { position: 'absolute', width: view.height, height: view.width, left: (view.width - view.height) / 2, top: (view.height - view.width) / 2, transform },
    };
  }
  const w = width * zoom;
  const h = height * zoom;
  if (!quarter) return { outer: null, stage: { width: w, height: h, transform } };
  return {
    outer: { position: 'relative', width: h, height: w },
    stage: { position: 'absolute', width: w, height: h, left: (h - w) / 2, top: (w - h) / 2, transform },
  };
}

/** The picture's size as shown: width and height swapped by a quarter turn. */
export function shownSize(rotation: 0 | 90 | 180 | 270, width: number, height: number): { width: number; height: number } {
  return rotation % 180 !== 0 ? { width: height, height: width } : { width, height };
}
