import { requestIdFrom } from '../http/request-id.js';
import { createMaintenanceCheck, type MaintenanceGateOptions } from './gate.js';

type FetchHandler<E, X> = (request: Request, env?: E, ctx?: X) => Response | Promise<Response>;

export interface FetchGateOptions<E> extends Omit<MaintenanceGateOptions, 'clientIp'> {
  /** The client's address. Default: the socket's peer address under @hono/node-server (`env.incoming`). */
  clientIp?: (request: Request, env: E | undefined) => string | undefined;
}

/**
 * The maintenance switch in front of any fetch handler (a bare Hono app's `app.fetch`, a Worker's fetch):
 * with no window the request goes straight to the handler — no middleware step, no promise of ours — so it
 * costs one property read and one length check. A stopped request is answered here, with a request id.
 */
export function withMaintenance<E, X>(fetch: FetchHandler<E, X>, options: FetchGateOptions<E>): FetchHandler<E, X> {
  const check = createMaintenanceCheck(options);
  const clientIp = options.clientIp ?? ((_request: Request, env: E | undefined) => (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress);
  const { holder } = options;
  return function gatedFetch(request, env, ctx) {
    const state = holder.state;
    if (state.windows.length === 0) return fetch(request, env, ctx);
    return (async () => {
      const requestId = requestIdFrom(request.headers.get('x-request-id'));
      const stopped = await check(
        {
          method: request.method,
          path: new URL(request.url).pathname,
          header: (name) => request.headers.get(name) ?? undefined,
          clientIp: clientIp(request, env),
          requestId,
        },
        state,
      );
      if (!stopped) return fetch(request, env, ctx);
      stopped.headers.set('X-Request-Id', requestId);
      return stopped;
    })();
  };
}
