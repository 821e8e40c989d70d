/**
 * One declaration per command and subcommand — its options with type, description and environment fallback,
 * its positional arguments — from which the parsing, `--help` and the usage on a mistake all come
 * (src/cli/parse.ts). A command cannot accept an option its usage does not show, nor show one it does not take.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** The value's placeholder in the usage: `--from WHEN`. */
  value?: string;
  multiple?: boolean;
  /** Read from this environment variable when the option is not given. */
  env?: string;
  default?: string | boolean;
  /** Refused with the usage when missing (after the environment fallback). */
  required?: boolean;
  short?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : S['multiple'] extends true ? string[] : string;
export type Values<O extends OptionSpecs> = { [K in keyof O]: O[K]['required'] extends true ? ValueOf<O[K]> : O[K]['default'] extends string | boolean ? ValueOf<O[K]> : ValueOf<O[K]> | undefined };

export interface PositionalSpec {
  name: string;
  description: string;
  optional?: boolean;
  /** Takes every remaining argument. */
  rest?: boolean;
}

export interface RunInput<O extends OptionSpecs> {
  values: Values<O>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
}

export interface LeafCommand<O extends OptionSpecs = OptionSpecs> {
  kind: 'leaf';
  name: string;
  summary: string;
  options: O;
  positionals?: PositionalSpec[];
  /** Lines after the options: examples, where data goes, what is required when. */
  notes?: string[];
  run(input: RunInput<O>): Promise<number | void>;
}

export interface GroupCommand {
  kind: 'group';
  name: string;
  summary: string;
  subcommands: LeafCommand<OptionSpecs>[];
  notes?: string[];
}

export type CommandSpec = LeafCommand<OptionSpecs> | GroupCommand;

export function defineCommand<O extends OptionSpecs>(spec: Omit<LeafCommand<O>, 'kind'>): LeafCommand<OptionSpecs> {
  return { kind: 'leaf', ...spec } as unknown as LeafCommand<OptionSpecs>;
}

export function defineGroup(spec: Omit<GroupCommand, 'kind'>): GroupCommand {
  return { kind: 'group', ...spec };
}

/** A mistake in how the command was called: one line on stderr, the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
