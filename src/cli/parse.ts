import { parseArgs } from 'node:util';
import { UsageError, type LeafCommand, type OptionSpecs } from './spec.js';

/** Whether the arguments ask for help (`--help` or `-h` before any `--`). */
export function asksForHelp(args: string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/**
 * Parses a subcommand's arguments by its declaration: unknown options and missing values are UsageErrors
 * (usage, exit 2); an option not given takes its environment variable, then its default.
 */
export function parseLeaf(leaf: LeafCommand<OptionSpecs>, args: string[], env: NodeJS.ProcessEnv): { values: Record<string, unknown>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, o] of Object.entries(leaf.options)) options[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util names the problem well ("Unknown option '--x'"); keep its first sentence.
    const message = (error as Error).message.split(/\. |\n/)[0];
    throw new UsageError(message ?? 'invalid arguments');
  }
  const values: Record<string, unknown> = { ...parsed.values };
  for (const [name, o] of Object.entries(leaf.options)) {
    if (values[name] === undefined && o.env && env[o.env] !== undefined && env[o.env] !== '') {
      values[name] = o.type === 'boolean' ? /^(1|true|yes)$/i.test(env[o.env]!) : o.multiple ? env[o.env]!.split(',') : env[o.env];
    }
    if (values[name] === undefined && o.default !== undefined) values[name] = o.multiple ? [o.default] : o.default;
    if (o.required && (values[name] === undefined || (typeof values[name] === 'string' && (values[name] as string).trim() === ''))) {
      throw new UsageError(`--${name} is required${o.env ? ` (or ${o.env})` : ''}`);
    }
  }
  const declared = leaf.positionals ?? [];
  const takesRest = declared.some((p) => p.rest);
  if (!takesRest && parsed.positionals.length > declared.length) throw new UsageError(`unexpected argument "${parsed.positionals[declared.length]}"`);
  declared.forEach((p, i) => {
    if (!p.optional && parsed.positionals[i] === undefined) throw new UsageError(`<${p.name}> is required`);
  });
  return { values, positionals: parsed.positionals };
}
