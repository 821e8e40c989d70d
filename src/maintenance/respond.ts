import mustache from 'mustache';
import { problemContentType, problemType } from '../http/problem.js';
import { isoInZone } from '../time/zoned.js';
import { bundledTemplates } from './templates.generated.js';
import type { MaintenanceDecision } from './decide.js';
import { formatForPeople } from './format-time.js';

export type PageLanguage = 'fr' | 'en';

export interface ResponseOptions {
  accept?: string | null;
  acceptLanguage?: string | null;
  timeZone: string;
  requestId?: string;
}

export interface ResponseParts {
  status: 503;
  headers: Record<string, string>;
  body: string;
}

/** Pages are French by default; English when the client prefers it (issue 3). */
export function pickLanguage(acceptLanguage: string | null | undefined): PageLanguage {
  if (!acceptLanguage) return 'fr';
  let best: { language: PageLanguage; q: number } | undefined;
  for (const item of acceptLanguage.split(',')) {
    const [tag = '', ...params] = item.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const base = tag.split('-')[0];
    if ((base === 'fr' || base === 'en') && q > 0 && (!best || q > best.q)) best = { language: base, q };
  }
  return best?.language ?? 'fr';
}

/** HTML only for clients that ask for it over JSON (browsers); problem+json for everyone else. */
export function prefersHtml(accept: string | null | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const item of accept.split(',')) {
    const [type = '', ...params] = item.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q);
    if (type === 'application/json' || type === 'application/problem+json') json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}

const templates: Record<PageLanguage, string> = {
  fr: bundledTemplates['page.fr.mustache'] as string,
  en: bundledTemplates['page.en.mustache'] as string,
};

/** What visitors read when the SRE wrote no public message: neutral, from templates/maintenance. */
const neutralMessages: Record<PageLanguage, string> = {
  fr: (bundledTemplates['message.fr.mustache'] as string).trim(),
  en: (bundledTemplates['message.en.mustache'] as string).trim(),
};

/** The 503 as status, headers and body: for the Node fast gateway, which writes them itself. */
export function maintenanceResponseParts(decision: MaintenanceDecision, options: ResponseOptions): ResponseParts {
  const language = pickLanguage(options.acceptLanguage);
  const headers: Record<string, string> = {
    'Retry-After': String(decision.retryAfterSeconds),
    'Cache-Control': 'no-store',
    Vary: 'Accept, Accept-Language',
    'Content-Language': language,
  };
  // Visitors never read the internal reason: the window's public message, or the neutral text.
  const message = decision.publicMessage ?? neutralMessages[language];
  if (prefersHtml(options.accept)) {
    const body = mustache.render(templates[language], {
      message,
      readOnly: decision.readOnly,
      expectedEnd: decision.plannedEnd === null ? '' : formatForPeople(decision.plannedEnd, options.timeZone, language),
      // Reload when the service is expected back, but at least every 5 minutes and at most every 15 s.
      refreshSeconds: Math.min(300, Math.max(15, decision.retryAfterSeconds)),
    });
    return { status: 503, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' }, body };
  }
  const problem = {
    type: problemType('maintenance'),
    title: 'Service under maintenance',
    status: 503,
    detail: message,
    requestId: options.requestId ?? '',
    readOnly: decision.readOnly,
    plannedEnd: decision.plannedEnd === null ? null : isoInZone(decision.plannedEnd, options.timeZone),
    retryAfterSeconds: decision.retryAfterSeconds,
  };
  return { status: 503, headers: { ...headers, 'Content-Type': problemContentType }, body: JSON.stringify(problem) };
}

export function renderMaintenanceResponse(decision: MaintenanceDecision, options: ResponseOptions): Response {
  const parts = maintenanceResponseParts(decision, options);
  return new Response(parts.body, { status: parts.status, headers: parts.headers });
}
