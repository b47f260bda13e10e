import { useCallback, useEffect, useMemo } from 'react';
import type { TellframeClient } from '../../../shared/api';
import type { PlayerController } from '../player/controller';
import { useAfterPicture } from '../player/useAfterPicture';
import { SignalsModel, type AnnotationsSource } from './model';

/** Keys the candidates take (the panel's key handler gives them here; label keys cannot use them). */
export const SIGNAL_KEYS = new Set([']', '[', 'a', 'x']);

/**
 * A key for the candidates: `]` / `[` select the next / previous one and go
 * to its first frame, `A` accepts and `X` dismisses the selected one. Not
 * while a dialog is open (the key belongs to it).
 */
export function signalKey(key: string, signals: SignalsModel, frame: number, goTo: (frame: number) => void): void {
  if (typeof document !== 'undefined' && document.querySelector('[role="dialog"]')) return;
  if (key === ']' || key === '[') {
    const c = signals.step(key === ']' ? 1 : -1, frame);
    if (c) goTo(c.startFrame);
    return;
  }
  if (key === 'a' || key === 'x') {
    const c = signals.selectedCandidate();
    if (!c) {
      signals.say('Select a candidate first: ] / [ or click one.');
      return;
    }
    void signals.decide(c.id, key === 'a' ? 'accept' : 'dismiss');
  }
}

/** The signals of the open video, following the annotation model while the panel is mounted. */
export function useSignals(client: TellframeClient, annotations: AnnotationsSource, player: PlayerController, videoId: number | null): SignalsModel {
  const signals = useMemo(() => new SignalsModel(client, annotations), [client, annotations]);
  useEffect(() => signals.attach(), [signals]);
  const open = useCallback((id: number) => void signals.open(id), [signals]);
  useAfterPicture(player, videoId, open);
  return signals;
}
