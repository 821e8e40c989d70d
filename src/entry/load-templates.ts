import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ConfigError } from '../config.js';
import { bundledTemplates } from '../notices/templates.generated.js';
import { unescapedHtml, type TemplateFiles } from '../notices/template-set.js';

/**
 * An organisation's own draft templates (VIGIE_TEMPLATES_DIR), read once at start: the same layout as
 * templates/ (`drafts/fr/notice.sms.mustache`, `drafts/fr/partials/…`). Each file found replaces the bundled
 * one of the same path; the core never reads files (Workers have none). An HTML template that turns escaping
 * off ({{{…}}}) stops start-up.
 */
export async function loadTemplateOverrides(dir: string): Promise<TemplateFiles> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new ConfigError('configuration error: VIGIE_TEMPLATES_DIR is not a readable directory');
  }
  const files: TemplateFiles = {};
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.mustache')) files[relative(dir, path).split(sep).join('/')] = await readFile(path, 'utf8');
    }
  };
  await walk(dir);
  const unsafe = unescapedHtml({ ...bundledTemplates, ...files });
  if (unsafe.length > 0) throw new ConfigError(`configuration error: VIGIE_TEMPLATES_DIR: ${unsafe.join('; ')}`);
  return files;
}
