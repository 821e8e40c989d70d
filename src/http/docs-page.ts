import { html, raw } from 'hono/html';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  'x-vigie-access'?: 'public' | { roles: string[] };
  responses?: Record<string, { description?: string }>;
}

/**
 * A readable, self-contained page listing every operation with who may call it. No script or stylesheet
 * from elsewhere: it works on a closed network during an incident.
 */
export function renderDocsPage(document: { info: { title: string; version: string }; paths?: Record<string, Record<string, Operation>> }, openapiUrl: string) {
  const rows = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const access = op['x-vigie-access'];
      const who = access === 'public' || !access ? 'public' : access.roles.join(', ');
      const codes = Object.entries(op.responses ?? {})
        .map(([code, response]) => html`<li><code>${code}</code> ${response.description ?? ''}</li>`);
      return html`<section><h2><code>${method.toUpperCase()} ${path}</code></h2>
<p>${op.summary ?? ''}</p>${op.description ? html`<p>${op.description}</p>` : ''}
<p><strong>Access:</strong> ${who}</p><ul>${codes}</ul></section>`;
    }),
  );
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${document.info.title} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${raw('body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ccc}code{background:#f3f3f3;padding:0 .2em}')}</style>
</head><body><h1>${document.info.title} ${document.info.version}</h1>
<p>Machine-readable document: <a href="${openapiUrl}">${openapiUrl}</a> (OpenAPI 3.1). Errors are
<code>application/problem+json</code> (RFC 9457). Protected operations take <code>Authorization: Bearer &lt;token&gt;</code>.</p>
${rows}</body></html>`;
}
