import { useEffect } from 'react';
import type { PlayerController } from './controller';

/**
 * Call `load(videoId)` once the newly opened video shows its first frame
 * (PlayerController.whenShown: at most 400 ms later), and not at all for a
 * video left before then. Panels beside the player load their data this
 * way, so the first picture does not wait behind their requests to the same
 * host. `load` should keep its identity between renders.
 */
export function useAfterPicture(player: PlayerController, videoId: number | null, load: (videoId: number) => void): void {
  useEffect(() => {
    if (videoId === null) return;
    let current = true;
    void player.whenShown(videoId).then(() => {
      if (current) load(videoId);
    });
    return () => {
      current = false;
    };
  }, [player, videoId, load]);
}
