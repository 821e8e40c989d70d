import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands } from './commands.js';
import { reportFailure } from './failures.js';
import { asksForHelp, parseLeaf } from './parse.js';
import { UsageError, type CommandSpec, type LeafCommand, type OptionSpecs, type Values } from './spec.js';
import { groupUsage, leafUsage, overallUsage } from './usage.js';

/**
 * `vigie <command> [<subcommand>] [options]`. Each command is declared once (src/cli/spec.ts) and listed in
 * src/cli/commands.ts; this file only finds it, answers --help, and turns failures into exit codes:
 * 0 done, 1 refused or failed (one line on stderr), 2 called wrongly (the usage on stderr).
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv, list: CommandSpec[] = commands): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    if (name) console.log(overallUsage(list));
    else console.error(overallUsage(list));
    return name ? 0 : 2;
  }
  const command = list.find((c) => c.name === name);
  if (!command) {
    console.error(`vigie: unknown command "${name}"\n\n${overallUsage(list)}`);
    return 2;
  }
  let leaf: LeafCommand<OptionSpecs>;
  let path = name;
  let rest = args;
  if (command.kind === 'group') {
    // A subcommand may be two words (`breach people import`): the longer name is tried first.
    const twoWords = command.subcommands.find((s) => s.name === `${args[0]} ${args[1]}`);
    const [subName, ...subArgs] = twoWords ? [twoWords.name, ...args.slice(2)] : args;
    const sub = twoWords ?? command.subcommands.find((s) => s.name === subName);
    if (!sub) {
      if (asksForHelp(args)) {
        console.log(groupUsage(command));
        return 0;
      }
      console.error(`${subName ? `vigie ${name}: unknown subcommand "${subName}"` : `vigie ${name}: which one?`}\n\n${groupUsage(command)}`);
      return 2;
    }
    leaf = sub;
    path = `${name} ${sub.name}`;
    rest = subArgs;
  } else {
    leaf = command;
  }
  // Help never acts: it is answered before anything is parsed, opened or started.
  if (asksForHelp(rest)) {
    console.log(leafUsage(path, leaf));
    return 0;
  }
  try {
    const { values, positionals } = parseLeaf(leaf, rest, env);
    return (await leaf.run({ values: values as Values<OptionSpecs>, positionals, env })) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`vigie ${path}: ${error.message}\n\n${leafUsage(path, leaf)}`);
      return 2;
    }
    return reportFailure(error);
  }
}

/** Runs the command named by process.argv and ends the process with its exit code (bin/vigie.js calls it). */
export function runFromCommandLine(): void {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      console.error(`vigie: ${(error as Error)?.message ?? String(error)}`);
      process.exit(1);
    },
  );
}

// Started as a file of its own (`node --import tsx src/cli/main.ts …`, as some tests do): compare real paths,
// never names. bin/vigie.js imports this module and calls runFromCommandLine itself.
if (process.argv[1] && realpathOrSelf(process.argv[1]) === fileURLToPath(import.meta.url)) runFromCommandLine();

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
