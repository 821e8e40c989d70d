import { z } from 'zod';
import { roleNames } from '../config.js';
import actionData from './data/actions.json' with { type: 'json' };
import { factPaths } from './facts.js';

/**
 * The playbook format (docs/playbooks.md): one YAML file per kind of incident, read by this schema. Roles,
 * actions, anchors and fact paths are closed lists, so the exported JSON Schema (playbooks/schema.json)
 * lets an editor complete them, and `vigie playbook check` names the line of a wrong one.
 */
export const actionNames = Object.keys(actionData.actions) as [string, ...string[]];
export type ActionName = keyof typeof actionData.actions;
export const actions = actionData.actions as Record<string, { fr: string; en: string; api: string | null; console: string | null }>;

/** What a due time counts from. `start`: when the run started; `step:<id>`: when that step was done. */
export const anchorNames = ['detection', 'awareness', 'notification', 'communication', 'start'] as const;
export type AnchorName = (typeof anchorNames)[number];

const idPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const id = z.string().regex(idPattern, 'must be lower-case letters, digits and dashes (at most 63)');

export const bilingual = z
  .object({
    fr: z.string().trim().min(1, 'must not be empty').max(2000),
    en: z.string().trim().min(1, 'must not be empty').max(2000),
  })
  .strict()
  .describe('The same text in French (first) and English');

export const dueSchema = z
  .object({
    from: z
      .string()
      .regex(/^(detection|awareness|notification|communication|start|step:[a-z0-9][a-z0-9-]{0,62})$/, 'a due time that cannot be computed: from must be detection, awareness, notification, communication, start or step:<id>')
      .describe('The anchor: detection (facts.discoveredAt), awareness (facts.awareAt), notification (the initial GDPR filing), communication (the first campaign to people started), start (the run started), or step:<id> (that step done)'),
    minutes: z.number().int().min(0).optional(),
    hours: z.number().min(0).optional(),
    days: z.number().min(0).optional().describe('Days of 24 hours on absolute time (weekends and DST changes included)'),
  })
  .strict()
  .describe('When the step is due: a duration after an anchor, on absolute time');

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const conditionSchema = z
  .object({
    fact: z.enum(factPaths).describe('What the condition reads from the breach (docs/playbooks.md lists them)'),
    is: z.union([scalar, z.null()]).optional().describe('Equal to this value'),
    isNot: z.union([scalar, z.null()]).optional().describe('Anything but this value (an unknown fact included)'),
    in: z.array(scalar).min(1).optional().describe('Equal to one of these values'),
    includes: scalar.optional().describe('A list fact that holds this value'),
    known: z.boolean().optional().describe('true: the fact is set (not null, not an empty list); false: not yet'),
    atLeast: z.number().optional().describe('A number fact at least this'),
  })
  .strict()
  .refine((c) => ['is', 'isNot', 'in', 'includes', 'known', 'atLeast'].filter((op) => op in c).length === 1, {
    message: 'must have exactly one of is, isNot, in, includes, known, atLeast',
  });

export const stepSchema = z
  .object({
    id,
    title: bilingual,
    description: bilingual.optional(),
    owner: z.enum(roleNames).describe('The role that owns the step'),
    action: z.enum(actionNames).default('none').describe('The Vigie action the step leads to'),
    after: z.array(id).default([]).describe('Steps that come before this one'),
    due: dueSchema.optional(),
    when: z.array(conditionSchema).default([]).describe('All must hold for the step to appear; re-read when the breach changes'),
    checklist: z.array(bilingual).default([]),
  })
  .strict();

export const sourceSchema = z
  .object({
    title: z.string().trim().min(3).max(500),
    url: z.url({ message: 'must be an absolute URL' }).optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();

export const playbookSchema = z
  .object({
    id,
    version: z.number().int().min(1),
    title: bilingual,
    summary: bilingual,
    sources: z.array(sourceSchema).min(1, 'name at least one source'),
    steps: z.array(stepSchema).min(1, 'must have at least one step'),
  })
  .strict()
  .describe('A Vigie playbook: what to do, who does it and by when, for one kind of incident');

export type Playbook = z.output<typeof playbookSchema>;
export type PlaybookStep = z.output<typeof stepSchema>;
export type Condition = z.output<typeof conditionSchema>;
export type Due = z.output<typeof dueSchema>;
