import { describe, expect, it } from 'vitest';
import { Slots } from '../../electron/core/slots';

describe('slots', () => {
  it('lets `limit` holders in at once and the rest in order as slots are released; a release counts once', async () => {
    const s = new Slots(2);
    const order: string[] = [];
    const a = await s.acquire();
    const b = await s.acquire();
    expect(s.free).toBe(false);
    const c = s.acquire().then((r) => (order.push('c'), r));
    const d = s.acquire().then((r) => (order.push('d'), r));
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual([]);
    a();
    a();
    const rc = await c;
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['c']);
    b();
    const rd = await d;
    expect(order).toEqual(['c', 'd']);
    rc();
    rd();
    expect(s.free).toBe(true);
  });

  it('a cancel while waiting leaves the queue and rejects as ABORTED; the next waiter gets the slot', async () => {
    const s = new Slots(1);
    const held = await s.acquire();
    const ac = new AbortController();
    const cancelled = s.acquire(ac.signal);
    const next = s.acquire();
    ac.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'ABORTED' });
    held();
    const r = await next;
    expect(s.free).toBe(false);
    r();
    expect(s.free).toBe(true);
    await expect(s.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
