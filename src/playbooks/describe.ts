import type { AppDeps } from '../deps.js';
import { catalogOf, findPlaybook } from './catalog.js';
import { actions } from './playbook-schema.js';

/** The catalog as people browse it: id, version, titles, where it comes from, how many steps. */
export function listPlaybooks(deps: Pick<AppDeps, 'playbooks'>) {
  return [...catalogOf(deps).entries.values()]
    .map(({ playbook, file, origin }) => ({ id: playbook.id, version: playbook.version, title: playbook.title, origin, file, steps: playbook.steps.length }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** One playbook in full, each step's action with its words and its API link (the prefix filled in). */
export function describePlaybook(deps: Pick<AppDeps, 'playbooks' | 'config'>, id: string) {
  const { playbook, file, origin } = findPlaybook(catalogOf(deps), id);
  const prefix = deps.config.adminPrefix;
  const fill = (template: string | null) => (template ? template.replaceAll('{prefix}', prefix) : null);
  return {
    ...playbook,
    origin,
    file,
    steps: playbook.steps.map((step) => {
      const action = actions[step.action]!;
      return { ...step, action: { code: step.action, fr: action.fr, en: action.en, api: fill(action.api), console: fill(action.console) } };
    }),
  };
}
