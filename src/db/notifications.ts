/**
 * PostgreSQL LISTEN, runtime-neutral: the core asks for a channel; entries implement it per driver
 * (a dedicated `pg` client with reconnect, or PGlite's listen). Writers send with `pg_notify` inside their
 * transaction, so listeners hear of a change only once it is committed.
 */
export interface Notifications {
  /**
   * Calls `onPayload` for every notification on `channel`, and `onReconnect` each time the listening
   * connection is (re)established — notifications sent while it was down are lost, so listeners re-read
   * their state then. Resolves once the subscription is registered; the returned function ends it.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
}
