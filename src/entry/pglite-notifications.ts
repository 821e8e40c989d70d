import type { PGlite } from '@electric-sql/pglite';
import type { Notifications } from '../db/notifications.js';

/** LISTEN on the embedded database: one process, one connection that never drops. */
export function createPGliteNotifications(pglite: PGlite): Notifications {
  return {
    async listen(channel, onPayload, onReconnect) {
      const unlisten = await pglite.listen(channel, (payload) => onPayload(payload));
      // Subscribed: let the listener read once, closing the gap between its first read and this moment.
      onReconnect?.();
      return unlisten;
    },
  };
}
