import pg from 'pg';
import type { Notifications } from '../db/notifications.js';
import type { Logger } from '../logger.js';

export interface PgNotificationsOptions {
  connectionString: string;
  logger: Logger;
  /** First retry delay after the connection is lost; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

type Subscriber = { onPayload: (payload: string) => void; onReconnect?: (() => void) | undefined };

/**
 * LISTEN over one dedicated `pg` client (a pooled client cannot hold a LISTEN). When the connection drops,
 * it reconnects with exponential backoff, LISTENs again and calls every `onReconnect` — notifications sent
 * meanwhile are lost, so subscribers re-read. `listen()` never waits for the database: an instance starts
 * (and keeps its last state) while PostgreSQL is away.
 */
export function createPgNotifications(options: PgNotificationsOptions): Notifications & { close(): Promise<void> } {
  const { connectionString, logger } = options;
  const minBackoff = options.minBackoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const channels = new Map<string, Set<Subscriber>>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let backoff = minBackoff;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

  function scheduleReconnect() {
    if (closed || retryTimer) return;
    const delay = backoff;
    backoff = Math.min(maxBackoff, backoff * 2);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref?.();
  }

  function connect(): Promise<void> {
    if (closed) return Promise.resolve();
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString, keepAlive: true, connectionTimeoutMillis: 5_000 });
      let lost = false;
      const onLost = () => {
        if (lost) return;
        lost = true;
        if (client === next) client = undefined;
        next.removeAllListeners('notification');
        next.end().catch(() => {});
        if (!closed) {
          logger.warn('database notifications connection lost; reconnecting');
          scheduleReconnect();
        }
      };
      next.on('error', onLost);
      next.on('end', onLost);
      try {
        await next.connect();
        for (const channel of channels.keys()) await next.query(`LISTEN ${quote(channel)}`);
      } catch {
        onLost();
        return;
      }
      if (closed) {
        await next.end().catch(() => {});
        return;
      }
      next.on('notification', (message) => {
        for (const subscriber of channels.get(message.channel) ?? []) subscriber.onPayload(message.payload ?? '');
      });
      client = next;
      backoff = minBackoff;
      for (const subscribers of channels.values()) for (const subscriber of subscribers) subscriber.onReconnect?.();
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  return {
    async listen(channel, onPayload, onReconnect) {
      const subscriber: Subscriber = { onPayload, onReconnect };
      let subscribers = channels.get(channel);
      if (!subscribers) {
        subscribers = new Set();
        channels.set(channel, subscribers);
        if (client) await client.query(`LISTEN ${quote(channel)}`).catch(() => {});
      }
      subscribers.add(subscriber);
      if (!client && !connecting && !retryTimer) void connect();
      return async () => {
        subscribers.delete(subscriber);
        if (subscribers.size === 0) {
          channels.delete(channel);
          await client?.query(`UNLISTEN ${quote(channel)}`).catch(() => {});
        }
      };
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await connecting;
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}
