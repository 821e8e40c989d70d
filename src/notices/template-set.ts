import type { DraftKind } from './documents.js';
import type { Language } from './labels.js';
import { parseTemplate } from './strict-render.js';
import { bundledTemplates } from './templates.generated.js';

/** Template files by path relative to a templates directory, e.g. `drafts/fr/notice.sms.mustache`. */
export type TemplateFiles = Record<string, string>;

export interface TemplateSet {
  /** The template of one part, an organisation's own when it has one. */
  template(lang: Language, kind: DraftKind, part: string): { name: string; text: string; overridden: boolean };
  /** Partials of a language (`drafts/<lang>/partials/<name>.mustache`, used as `{{> name}}`). */
  partials(lang: Language): Record<string, string>;
}

/**
 * The bundled templates (templates/drafts, compiled into templates.generated.ts), with an organisation's
 * files laid over them: same relative paths, read from VIGIE_TEMPLATES_DIR by the entry (Node) and passed in,
 * so that the core reads no file and an organisation changes wording without touching code.
 */
export function createTemplateSet(overrides: TemplateFiles = {}): TemplateSet {
  const files: TemplateFiles = { ...bundledTemplates, ...overrides };
  const unsafe = unescapedHtml(files);
  if (unsafe.length > 0) throw new UnsafeTemplateError(unsafe);
  const partialsByLang = new Map<Language, Record<string, string>>();
  return {
    template(lang, kind, part) {
      const name = `drafts/${lang}/${kind}.${part}.mustache`;
      const text = files[name];
      if (text === undefined) throw new Error(`no template ${name}`);
      return { name, text, overridden: name in overrides };
    },
    partials(lang) {
      let partials = partialsByLang.get(lang);
      if (!partials) {
        const prefix = `drafts/${lang}/partials/`;
        partials = Object.fromEntries(
          Object.entries(files)
            .filter(([path]) => path.startsWith(prefix) && path.endsWith('.mustache'))
            .map(([path, text]) => [path.slice(prefix.length, -'.mustache'.length), text]),
        );
        partialsByLang.set(lang, partials);
      }
      return partials;
    },
  };
}

export const defaultTemplateSet = createTemplateSet();

export class UnsafeTemplateError extends Error {
  override name = 'UnsafeTemplateError';
  constructor(readonly problems: string[]) {
    super(`unsafe draft templates: ${problems.join('; ')}`);
  }
}

/**
 * HTML parts (and the partials they include) that turn escaping off with `{{{…}}}` or `{{& …}}`: a value
 * (a summary, a name) would then be pasted into the HTML as markup. Refused when the templates are loaded,
 * bundled or an organisation's own, so that no draft is ever rendered from them.
 */
export function unescapedHtml(files: TemplateFiles): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (path: string, from: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = files[path];
    if (text === undefined) return;
    const lang = path.split('/')[1];
    const walk = (tokens: unknown[][]) => {
      for (const token of tokens) {
        const [symbol, name] = token as [string, string];
        if (symbol === '&') problems.push(`${path}${path === from ? '' : ` (included by ${from})`} writes {{{${name}}}} unescaped: use {{${name}}}`);
        if (symbol === '>') visit(`drafts/${lang}/partials/${name}.mustache`, from);
        if (Array.isArray(token[4])) walk(token[4] as unknown[][]);
      }
    };
    walk(parseTemplate(text));
  };
  for (const path of Object.keys(files).sort()) if (/^drafts\/[^/]+\/[^/]+\.[^/]*html\.mustache$/.test(path)) visit(path, path);
  return problems;
}
