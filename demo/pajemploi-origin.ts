/**
 * The protected service of the replay: a small Pajemploi-like origin (parent employers and their
 * childminders) behind a shared page cache that is misconfigured between 11:45 and 15:15 (Europe/Paris) on
 * 31 March 2020: it keys pages by path only, so a page produced for one user is served to the next one
 * asking for the same path. The origin keeps the ground truth: every response, whom it was produced for,
 * whom it was served to.
 */
import { createServer, type Server } from 'node:http';
import type { Clock } from '../src/clock.js';

export interface Served {
  at: Date;
  receiver: string;
  producedFor: string;
  subjects: string[];
  categories: string[];
  path: string;
  /** performance.now() when it was sent (detection latency is measured from the first leaked one). */
  sentMs: number;
}

interface Page {
  producedFor: string;
  subjects: string[];
  categories: string[];
  body: string;
  cachedUntilMs: number;
}

const incidentStart = Date.parse('2020-03-31T09:45:00Z'); // 11:45 CEST
const incidentEnd = Date.parse('2020-03-31T13:15:00Z'); // 15:15 CEST
const cacheTtlMs = 5 * 60_000;

/** The user from the origin's session token (a JWT the origin issued; Vigie verifies it on its side). */
function userOf(authorization: string | undefined): string | undefined {
  const token = authorization?.replace(/^Bearer /, '');
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string }).sub;
  } catch {
    return undefined;
  }
}

function render(user: string, path: string): Omit<Page, 'cachedUntilMs'> | undefined {
  const dashboard = /^\/espace\/tableau$/.exec(path);
  if (dashboard) return { producedFor: user, subjects: [user], categories: ['identity', 'contact'], body: `tableau de bord de ${user}` };
  const employee = /^\/espace\/salarie\/(C\d+)$/.exec(path);
  if (employee) return { producedFor: user, subjects: [user, employee[1]!], categories: ['identity', 'employment', 'payslip'], body: `déclaration de ${user} pour ${employee[1]}` };
  const employer = /^\/espace\/employeur\/(P\d+)$/.exec(path);
  if (employer) return { producedFor: user, subjects: [user, employer[1]!], categories: ['identity', 'employment'], body: `employeur ${employer[1]} de ${user}` };
  return undefined;
}

export function startOrigin(clock: Clock): { server: Server; served: Served[]; listen(): Promise<number>; close(): Promise<void> } {
  const served: Served[] = [];
  const cache = new Map<string, Page>();
  const server = createServer((req, res) => {
    const user = userOf(req.headers.authorization);
    const path = (req.url ?? '/').split('?')[0]!;
    if (!user) {
      res.writeHead(401).end();
      return;
    }
    const now = clock.now().getTime();
    const misconfigured = now >= incidentStart && now < incidentEnd;
    let page = misconfigured ? cache.get(path) : undefined;
    if (!page || page.cachedUntilMs <= now) {
      const fresh = render(user, path);
      if (!fresh) {
        res.writeHead(404).end();
        return;
      }
      page = { ...fresh, cachedUntilMs: now + cacheTtlMs };
      if (misconfigured) cache.set(path, page);
    }
    served.push({ at: new Date(now), receiver: user, producedFor: page.producedFor, subjects: page.subjects, categories: page.categories, path, sentMs: performance.now() });
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'vigie-data-subjects': page.subjects.join(', '),
      'vigie-data-categories': page.categories.join(', '),
      'vigie-produced-for': page.producedFor,
      'x-cache': page.producedFor === user ? 'MISS' : 'HIT',
    });
    res.end(page.body);
  });
  return {
    server,
    served,
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
