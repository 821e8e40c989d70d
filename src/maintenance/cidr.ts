/**
 * Client-network allowlists (CIDR) for the maintenance bypass. Addresses become bigints so that IPv4 and
 * IPv6 share one comparison; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, as Node reports IPv4 clients
 * on a dual-stack socket) is matched as the IPv4 address it carries.
 */
export interface Network {
  version: 4 | 6;
  base: bigint;
  mask: bigint;
  text: string;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let address = text;
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) stands for the last two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const v4 = parseIpv4(dotted[2] as string);
    if (v4 === undefined) return undefined;
    address = `${dotted[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** An address as (version, value), with IPv4-mapped IPv6 folded to IPv4. */
export function parseAddress(text: string): { version: 4 | 6; value: bigint } | undefined {
  const trimmed = text.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    if (value === undefined) return undefined;
    if (value >> 32n === 0xffffn) return { version: 4, value: value & 0xffffffffn };
    return { version: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { version: 4, value };
}

/** "10.0.0.0/8", "2001:db8::/32", or a single address. Undefined when malformed. */
export function parseNetwork(text: string): Network | undefined {
  const [address, bits, extra] = text.trim().split('/');
  if (extra !== undefined || !address) return undefined;
  const parsed = parseAddress(address);
  if (!parsed) return undefined;
  const width = parsed.version === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = bits === undefined ? width : Number(bits);
  if (prefix > width) return undefined;
  const all = (1n << BigInt(width)) - 1n;
  const mask = prefix === 0 ? 0n : (all >> BigInt(width - prefix)) << BigInt(width - prefix);
  return { version: parsed.version, base: parsed.value & mask, mask, text: text.trim() };
}

export function networkContains(network: Network, address: string): boolean {
  const parsed = parseAddress(address);
  return parsed !== undefined && parsed.version === network.version && (parsed.value & network.mask) === network.base;
}
