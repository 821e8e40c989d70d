import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { roleNames } from '../config.js';
import { actionNames, playbookSchema, type Playbook } from './playbook-schema.js';

/** One reason a playbook file is refused: where (file, line, column, field) and why, for `vigie playbook check`. */
export interface PlaybookProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  reason: string;
}

export type ParsedPlaybook = { ok: true; playbook: Playbook; file: string } | { ok: false; problems: PlaybookProblem[]; file: string };

type Path = (string | number)[];

/**
 * Reads one playbook file: YAML (with line numbers kept), then the schema, then the rules the schema cannot
 * say (unique step ids, known predecessors, no cycle, a due time that can be computed). Every problem names
 * the line of the value at fault, or of the nearest enclosing one that exists.
 */
export function parsePlaybook(file: string, text: string): ParsedPlaybook {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      file,
      problems: doc.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return { file, line: at.line, column: at.col, path: '', reason: `YAML: ${error.message.split('\n')[0]}` };
      }),
    };
  }
  const at = (path: Path, key?: string) => locate(doc, lineCounter, path, key);
  const problem = (path: Path, reason: string, key?: string): PlaybookProblem => ({ file, ...at(path, key), path: path.join('.'), reason });
  const result = playbookSchema.safeParse(doc.toJS());
  if (!result.success) return { ok: false, file, problems: byLine(result.error.issues.map((issue) => schemaProblem(issue, doc, problem))) };
  const problems = checkSteps(result.data, problem);
  return problems.length > 0 ? { ok: false, file, problems: byLine(problems) } : { ok: true, file, playbook: result.data };
}

function schemaProblem(issue: z.core.$ZodIssue, doc: Document, problem: (path: Path, reason: string, key?: string) => PlaybookProblem): PlaybookProblem {
  const path = issue.path as Path;
  const last = path[path.length - 1];
  const value = doc.getIn(path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return problem(path, `unknown field "${issue.keys.join('", "')}"`, key);
  }
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return problem(path, 'is required');
  if (issue.code === 'invalid_value' && last === 'owner') return problem(path, `unknown role "${String(value)}" (roles: ${roleNames.join(', ')})`);
  if (issue.code === 'invalid_value' && last === 'action') return problem(path, `unknown action "${String(value)}" (actions: ${actionNames.join(', ')})`);
  if (issue.code === 'invalid_value' && last === 'fact') return problem(path, `unknown fact "${String(value)}" (docs/playbooks.md lists them)`);
  return problem(path, issue.message);
}

/** Rules across steps. Cycles run over both kinds of dependency: `after`, and a due time counted from another step. */
function checkSteps(playbook: Playbook, problem: (path: Path, reason: string, key?: string) => PlaybookProblem): PlaybookProblem[] {
  const problems: PlaybookProblem[] = [];
  const index = new Map<string, number>();
  playbook.steps.forEach((step, i) => {
    if (index.has(step.id)) problems.push(problem(['steps', i, 'id'], `step id "${step.id}" is used twice (first at step ${index.get(step.id)! + 1})`));
    else index.set(step.id, i);
  });
  const edges = new Map<string, string[]>();
  playbook.steps.forEach((step, i) => {
    const deps: string[] = [];
    step.after.forEach((other, j) => {
      if (!index.has(other)) problems.push(problem(['steps', i, 'after', j], `unknown step "${other}"`));
      else if (other === step.id) problems.push(problem(['steps', i, 'after', j], `cycle in step dependencies: ${step.id} → ${step.id}`));
      else deps.push(other);
    });
    const due = step.due;
    if (due) {
      const amounts = [due.minutes, due.hours, due.days].filter((v) => v !== undefined);
      if (amounts.length !== 1) problems.push(problem(['steps', i, 'due'], 'a due time that cannot be computed: give exactly one of minutes, hours, days'));
      if (due.from.startsWith('step:')) {
        const other = due.from.slice(5);
        if (!index.has(other)) problems.push(problem(['steps', i, 'due', 'from'], `a due time that cannot be computed: no step "${other}"`));
        else if (other === step.id) problems.push(problem(['steps', i, 'due', 'from'], 'a due time that cannot be computed: counted from the step itself'));
        else deps.push(other);
      }
      // The step that produces an anchor cannot be due after it: it would be due once it is done.
      const produces: Record<string, string> = { 'file-notification': 'notification', campaign: 'communication' };
      if (produces[step.action] === due.from) problems.push(problem(['steps', i, 'due', 'from'], `a due time that cannot be computed: the ${step.action} step makes the ${due.from} it would be counted from`));
    }
    edges.set(step.id, deps);
  });
  const cycle = findCycle(edges);
  if (cycle) problems.push(problem(['steps', index.get(cycle[0]!)!, 'id'], `cycle in step dependencies: ${cycle.join(' → ')}`));
  return problems;
}

/** The first cycle found by depth-first search, as the list of step ids that closes on itself. */
export function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

/** Line and column of the node at `path` (or of `key` in that map), else of the nearest ancestor that exists. */
function locate(doc: Document, lines: LineCounter, path: Path, key?: string): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (depth === path.length && key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return position(lines, range[0]);
    }
    if (node?.range) return position(lines, node.range[0]);
    if (depth === 0 && doc.contents?.range) return position(lines, doc.contents.range[0]);
  }
  return { line: 1, column: 1 };
}

function position(lines: LineCounter, offset: number): { line: number; column: number } {
  const at = lines.linePos(offset);
  return { line: at.line, column: at.col };
}

const byLine = (problems: PlaybookProblem[]) => problems.sort((a, b) => a.line - b.line || a.column - b.column);

export const formatProblem = (p: PlaybookProblem): string => `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.reason}`;
