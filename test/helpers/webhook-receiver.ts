import { createServer } from 'node:http';
import { signatureHeader } from '../../src/http/signed-webhooks.js';

export interface WebhookReceiver {
  url: string;
  received: { body: string; signature: string | undefined }[];
  close(): Promise<void>;
}

/** A real HTTP endpoint that keeps every webhook posted to it (body as sent, and its signature header). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ body, signature: req.headers[signatureHeader.toLowerCase()] as string | undefined });
      res.writeHead(204).end();
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
