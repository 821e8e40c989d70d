import { z } from 'zod';
import { playbookSchema } from './playbook-schema.js';

/**
 * The playbook format as a JSON Schema (draft 2020-12) for editors: playbooks/schema.json is this, written by
 * scripts/playbook-schema.ts, and a test fails when the file no longer matches the zod schema.
 */
export function playbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(playbookSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://vigie.invalid/playbooks/schema.json', title: 'Vigie playbook' };
}

export const playbookJsonSchemaText = (): string => `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`;
