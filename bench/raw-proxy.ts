/**
 * A reference for the gateway bench: the plainest reverse proxy Node can run, `node:http` server and client
 * with a keep-alive agent, no header handling, no maintenance, no log. What Vigie's gateway is compared with,
 * beside nginx, so that the cost of Node itself and the cost of Vigie's work are told apart.
 * Run by bench/audit.ts: `node bench/raw-proxy.ts <port> <origin port>` (via tsx).
 */
import http from 'node:http';

const [port = '0', originPort = '0'] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
http
  .createServer((req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: Number(originPort), path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  })
  .listen(Number(port), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
