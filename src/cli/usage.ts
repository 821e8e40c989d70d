import type { CommandSpec, GroupCommand, LeafCommand, OptionSpec, OptionSpecs } from './spec.js';

/** The usage text of a command, a subcommand, or the whole of `vigie`: every option, its value and fallback. */
export function leafUsage(path: string, leaf: LeafCommand<OptionSpecs>): string {
  const positionals = (leaf.positionals ?? []).map((p) => (p.optional ? `[${p.name}${p.rest ? '…' : ''}]` : `<${p.name}>${p.rest ? '…' : ''}`));
  const required = Object.entries(leaf.options)
    .filter(([, o]) => o.required)
    .map(([name, o]) => `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`);
  const lines = [`usage: vigie ${[path, ...positionals, ...required].join(' ')}${Object.values(leaf.options).some((o) => !o.required) ? ' [options]' : ''}`, '', `  ${leaf.summary}`];
  if (leaf.positionals?.length) {
    lines.push('', 'arguments:');
    for (const p of leaf.positionals) lines.push(row(p.name, p.description));
  }
  lines.push('', 'options:');
  for (const [name, option] of Object.entries(leaf.options)) lines.push(row(optionName(name, option), optionText(option)));
  lines.push(row('-h, --help', 'print this usage and exit'));
  if (leaf.notes?.length) lines.push('', ...leaf.notes);
  return lines.join('\n');
}

export function groupUsage(group: GroupCommand): string {
  const lines = [`usage: vigie ${group.name} <${group.subcommands.map((s) => s.name).join('|')}> [options]`, '', `  ${group.summary}`];
  if (group.notes?.length) lines.push('', ...group.notes);
  for (const sub of group.subcommands) lines.push('', '─'.repeat(4), leafUsage(`${group.name} ${sub.name}`, sub));
  return lines.join('\n');
}

export function overallUsage(commands: CommandSpec[]): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
  return `usage: vigie <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    '`vigie <command> --help` lists a command\'s options. Configuration comes from environment variables (README.md, Configuration).';
}

function optionName(name: string, option: OptionSpec): string {
  return `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
}

function optionText(option: OptionSpec): string {
  const extras = [
    option.required ? 'required' : undefined,
    option.multiple ? 'may be repeated' : undefined,
    option.env ? `env ${option.env}` : undefined,
    option.default !== undefined && option.default !== false ? `default ${String(option.default)}` : undefined,
  ].filter(Boolean);
  return `${option.description}${extras.length ? ` (${extras.join('; ')})` : ''}`;
}

function row(left: string, right: string): string {
  return left.length < 28 ? `  ${left.padEnd(28)}${right}` : `  ${left}\n  ${' '.repeat(28)}${right}`;
}
