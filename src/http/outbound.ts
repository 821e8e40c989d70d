import { networkContains, parseAddress, parseNetwork, type Network } from '../maintenance/cidr.js';

/**
 * Where Vigie may send requests of its own (alert webhooks, the contact directory): URLs come from settings,
 * but a mistaken or planted one must not turn Vigie into a way into the private network (SSRF), nor carry
 * identifiers to a host nobody chose. So: http(s) only; with VIGIE_OUTBOUND_ALLOWED_HOSTS set, only those
 * hosts; addresses in private, loopback, link-local and similar ranges refused unless listed in
 * VIGIE_OUTBOUND_PRIVATE_NETWORKS (host names are resolved first where the runtime can, on Node); a redirect
 * is followed only to the same origin, re-checked. What a refused or failing destination answered is never
 * quoted: errors name the setting and the reason.
 */
export interface OutboundPolicy {
  /** Host names (or `*.example.org`) allowed; empty: any public host. */
  allowedHosts: readonly string[];
  /** Private networks allowed all the same (an internal directory), CIDR. */
  privateNetworks: readonly string[];
  /** The addresses a host name resolves to (Node: dns.lookup); absent: only literal addresses are checked. */
  resolve?: ((host: string) => Promise<string[]>) | undefined;
}

export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

// Ranges no webhook or directory on the internet lives in: private, loopback, link-local (cloud metadata),
// carrier-grade NAT, benchmarking, multicast and reserved, and their IPv6 counterparts.
const restricted = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/3',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8', '64:ff9b::/96',
].map((text) => parseNetwork(text) as Network);

export function isRestrictedAddress(address: string): boolean {
  return restricted.some((network) => networkContains(network, address));
}

const maxRedirects = 3;

let runtimeResolve: OutboundPolicy['resolve'];
/** The Node entry gives its resolver (dns.lookup) once at start; other runtimes check literal addresses only. */
export function setOutboundResolver(resolve: OutboundPolicy['resolve']): void {
  runtimeResolve = resolve;
}

export function createOutboundFetch(policy: OutboundPolicy, baseFetch: typeof fetch = fetch): typeof fetch {
  const allowedPrivate = policy.privateNetworks.map((text) => parseNetwork(text)).filter((n): n is Network => !!n);
  const hostAllowed = (host: string) =>
    policy.allowedHosts.length === 0 ||
    policy.allowedHosts.some((allowed) => (allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) : host === allowed.toLowerCase()));

  async function check(url: URL): Promise<void> {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefused('only http and https destinations are allowed');
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (!hostAllowed(host)) throw new OutboundRefused('the host is not in VIGIE_OUTBOUND_ALLOWED_HOSTS');
    const resolve = policy.resolve ?? runtimeResolve;
    const addresses = parseAddress(host) ? [host] : resolve ? await resolve(host).catch(() => []) : [];
    for (const address of addresses) {
      if (isRestrictedAddress(address) && !allowedPrivate.some((network) => networkContains(network, address))) {
        throw new OutboundRefused('the destination is in a private or reserved range (VIGIE_OUTBOUND_PRIVATE_NETWORKS)');
      }
    }
  }

  return async function outboundFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      await check(url);
      const response = await baseFetch(url, { ...init, redirect: 'manual' });
      if (response.status < 300 || response.status >= 400 || !response.headers.has('location')) return response;
      await response.body?.cancel().catch(() => {});
      const next = new URL(response.headers.get('location') as string, url);
      if (next.origin !== origin) throw new OutboundRefused('the destination redirected to another host');
      if (hop >= maxRedirects) throw new OutboundRefused('too many redirects');
      url = next;
    }
  } as typeof fetch;
}
