import type { Page } from 'playwright-core';

/**
 * Intervals between 120 animation frames in the page, while nothing happens
 * (`idle`, the baseline), or while a wheel event reaches the timeline canvas
 * every frame: panning, or zooming (Ctrl + wheel) in and out 20 frames at a time.
 */
export function frameIntervals(page: Page, mode: 'idle' | 'pan' | 'zoom'): Promise<number[]> {
  return page.evaluate(
    (mode) =>
      new Promise<number[]>((resolve) => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')!;
        const r = c.getBoundingClientRect();
        const out: number[] = [];
        let last = 0;
        let i = 0;
        const tick = (t: number) => {
          if (last) out.push(t - last);
          last = t;
          if (mode !== 'idle') {
            const zoomIn = Math.floor(i / 20) % 2 === 0;
            c.dispatchEvent(new WheelEvent('wheel', {
              bubbles: true, cancelable: true, clientX: r.left + r.width / 2, clientY: r.top + 20,
              ctrlKey: mode === 'zoom', deltaY: mode === 'zoom' ? (zoomIn ? -100 : 100) : (i % 60 < 30 ? 120 : -120),
            }));
          }
          if (++i <= 120) requestAnimationFrame(tick);
          else resolve(out);
        };
        requestAnimationFrame(tick);
      }),
    mode,
  );
}

/** The p-quantile of xs. */
export function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}
