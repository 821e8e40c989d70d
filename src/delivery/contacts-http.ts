import { z } from 'zod';
import { UnavailableError } from '../http/errors.js';
import { createOutboundFetch, OutboundRefused, type OutboundPolicy } from '../http/outbound.js';
import type { DeliveryPorts, Person } from './ports.js';

/**
 * The organisation's contact directory over HTTP (VIGIE_CONTACTS_URL): the register keeps identifiers only,
 * so for each page of a campaign's population Vigie asks the service that owns the addresses.
 *   POST <url>  {"breachId": "…", "ids": ["p1", "p2", …]}   (Authorization: Bearer <VIGIE_CONTACTS_TOKEN>)
 *   200         {"contacts": [{"id": "p1", "name": "…", "email": "…", "phone": "+33…", "address": ["…"], "locale": "fr"}]}
 * A person the directory does not return has no address: the campaign reports them as unreachable.
 */
const contactSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  address: z.array(z.string()).nullish(),
  locale: z.string().nullish(),
  segment: z.string().nullish(),
});
const answerSchema = z.object({ contacts: z.array(contactSchema) });

export interface HttpContactDirectoryOptions {
  url: string;
  token?: string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Where the directory may be (VIGIE_OUTBOUND_*): checked before the request and each redirect. */
  outbound?: OutboundPolicy | undefined;
}

export function createHttpContactDirectory(options: HttpContactDirectoryOptions): DeliveryPorts['findContacts'] {
  const send = options.outbound ? createOutboundFetch(options.outbound, options.fetch ?? fetch) : (options.fetch ?? fetch);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async function findContacts(breachId, ids) {
    const found = new Map<string, Omit<Person, 'id'>>();
    if (ids.length === 0) return found;
    let response: Response;
    try {
      response = await send(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        body: JSON.stringify({ breachId, ids }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof OutboundRefused) throw new UnavailableError(`The contact directory (VIGIE_CONTACTS_URL) is refused: ${error.message}`);
      throw new UnavailableError('The contact directory (VIGIE_CONTACTS_URL) did not answer');
    }
    // Never the body in an error: it would hold addresses.
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new UnavailableError(`The contact directory (VIGIE_CONTACTS_URL) answered ${response.status}`);
    }
    const parsed = answerSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new UnavailableError('The contact directory (VIGIE_CONTACTS_URL) answered in an unexpected shape');
    const wanted = new Set(ids);
    for (const { id, ...contact } of parsed.data.contacts) if (wanted.has(id)) found.set(id, contact);
    return found;
  };
}
