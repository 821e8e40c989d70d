import Mustache from 'mustache';

/**
 * Mustache that refuses holes: a `{{name}}` whose value is missing (or an object, which would print
 * "[object Object]") throws instead of printing nothing. Sections stay lenient — `{{#x}}…{{/x}}` is how a
 * template says "only if present". Together with the completeness check this makes a draft with a blank or
 * "undefined" where a fact should be impossible, including in an organisation's own templates.
 */
export class TemplateValueError extends Error {
  override name = 'TemplateValueError';
  constructor(readonly field: string, readonly template: string) {
    super(`template ${template} uses "${field}", which has no value`);
  }
}

type Token = string[];
type Escape = (value: unknown) => string;

class StrictWriter extends Mustache.Writer {
  templateName = '';
  private checkedValue(token: Token, context: Mustache.Context): string | number {
    const value: unknown = context.lookup(token[1] as string);
    if (value === undefined || value === null || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')) {
      throw new TemplateValueError(token[1] as string, this.templateName);
    }
    return value as string | number;
  }
  override escapedValue(token: Token, context: Mustache.Context, config?: Mustache.RenderOptions): string {
    return (config?.escape ?? Mustache.escape)(this.checkedValue(token, context));
  }
  override unescapedValue(token: Token, context: Mustache.Context): string {
    return String(this.checkedValue(token, context));
  }
}

const writer = new StrictWriter();

export const escapeHtml: Escape = (value) => Mustache.escape(value);
export const keepText: Escape = (value) => String(value);

export interface RenderConfig {
  escape: Escape;
  tags?: [string, string];
  partials?: Record<string, string>;
}

/** Renders with the strict writer; parses are cached by mustache (template text + tags). */
export function renderStrict(name: string, template: string, view: object | Mustache.Context, config: RenderConfig): string {
  writer.templateName = name;
  const options: Mustache.RenderOptions = { escape: config.escape, ...(config.tags ? { tags: config.tags } : {}) };
  return writer.render(template, view, config.partials, options);
}

/** Tokens of a template, parsed once; for the per-person hot path. */
export function parseTemplate(template: string, tags?: [string, string]): Token[] {
  return writer.parse(template, tags) as Token[];
}

export function renderTokens(name: string, tokens: Token[], context: Mustache.Context, template: string, config: RenderConfig): string {
  writer.templateName = name;
  return writer.renderTokens(tokens, context, undefined, template, { escape: config.escape, ...(config.tags ? { tags: config.tags } : {}) });
}

export const Context = Mustache.Context;

/** Every variable and section name a template uses (nested sections included), for checking placeholders. */
export function namesUsed(tokens: Token[]): { symbol: string; name: string }[] {
  const names: { symbol: string; name: string }[] = [];
  for (const token of tokens) {
    const [symbol = '', name = ''] = token;
    if (symbol === 'name' || symbol === '&' || symbol === '#' || symbol === '^' || symbol === '>') names.push({ symbol, name });
    const children = (token as unknown[])[4];
    if (Array.isArray(children)) names.push(...namesUsed(children as Token[]));
  }
  return names;
}
