import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestOrigin {
  url: string;
  /** Headers of the last request the origin received. */
  last(): IncomingHttpHeaders;
  /** Requests to /slow whose connection was closed while the origin was still working on them. */
  slowAbandoned(): number;
  close(): Promise<void>;
}

/**
 * A small protected service: /accounts/:id declares personal data, /employers/:id?employs=… also the
 * relation it rests on (Vigie-Relations), /public does not, /echo hashes and
 * echoes the body, /stream sends chunks over time, /slow never answers in time.
 */
export async function startTestOrigin(): Promise<TestOrigin> {
  let lastHeaders: IncomingHttpHeaders = {};
  let slowAbandoned = 0;
  const server: Server = createServer((req, res) => {
    lastHeaders = req.headers;
    const url = new URL(req.url ?? '/', 'http://origin');
    const account = /^\/accounts\/([\w-]+)$/.exec(url.pathname);
    if (account) {
      const id = account[1]!;
      res.writeHead(200, {
        'content-type': 'application/json',
        'vigie-data-subjects': `${id}, ${id}-spouse`,
        'vigie-data-categories': 'identity, contact',
        'vigie-produced-for': url.searchParams.get('for') ?? id,
        age: '12',
        'x-cache': 'HIT',
        connection: 'x-origin-hop',
        'x-origin-hop': 'secret-hop',
      });
      res.end(JSON.stringify({ id, name: `Person ${id}` }));
      return;
    }
    const employer = /^\/employers\/([\w-]+)$/.exec(url.pathname);
    if (employer) {
      // A parent's page about their childminder, declaring the relation it rests on (and one malformed item).
      const id = employer[1]!;
      const employee = url.searchParams.get('employs') ?? 'nobody';
      res.writeHead(200, {
        'content-type': 'application/json',
        'vigie-data-subjects': `${id}, ${employee}`,
        'vigie-data-categories': 'identity, employment',
        'vigie-relations': `principal=${id}; subject=${employee}; from=2019-09-01T00:00:00Z; kind=employment, principal=${id}; subject=; from=yesterday`,
      });
      res.end(JSON.stringify({ id, employee }));
      return;
    }
    if (url.pathname === '/echo') {
      const hash = createHash('sha256');
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      });
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ size, sha256: hash.digest('hex') }));
      });
      return;
    }
    if (url.pathname === '/stream') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'vigie-data-subjects': 'bulk-export' });
      let sent = 0;
      const chunk = Buffer.alloc(256 * 1024, 7);
      const timer = setInterval(() => {
        res.write(chunk);
        if (++sent === 40) {
          clearInterval(timer);
          res.end();
        }
      }, 2);
      return;
    }
    if (url.pathname === '/slow') {
      res.on('close', () => slowAbandoned++); // never answers
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('public page');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    last: () => lastHeaders,
    slowAbandoned: () => slowAbandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
