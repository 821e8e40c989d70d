import { networkContains, type Network } from './cidr.js';

/**
 * The client's address for the network bypass: the connection's peer, unless that peer is one of the
 * proxies listed in VIGIE_TRUSTED_PROXIES. Then X-Forwarded-For is read from the right (each proxy appends
 * the address it received from) and the first address that is not itself a trusted proxy is the client's.
 * Entries to its left were written by whoever sent the request and prove nothing: a client that sends
 * `X-Forwarded-For: 10.0.0.1` through the proxy gets `10.0.0.1, <its own address>`, and its own is read.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: readonly Network[],
): string | undefined {
  if (!peer || trustedProxies.length === 0 || !forwardedFor) return peer;
  const trusted = (address: string) => trustedProxies.some((network) => networkContains(network, address));
  if (!trusted(peer)) return peer;
  const hops = forwardedFor.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = (hops[i] as string).trim();
    if (!hop) continue;
    if (!trusted(hop)) return hop;
  }
  // Every hop is a trusted proxy: the request started inside; the last proxy's peer is all we know.
  return peer;
}
