import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig } from '../config.js';
import { auditCommand } from './audit-command.js';
import { migrateCommand } from './migrate-command.js';
import { serveCommand } from './serve-command.js';
import { tokenCommand } from './token-command.js';
import { maintenanceCommand } from './maintenance-command.js';
import { campaignCommand } from './campaign-command.js';
import { exposureCommand } from './exposure-command.js';
import { relationsCommand } from './relations-command.js';
import { draftCommand } from './draft-command.js';
import { breachCommand } from './breach-command.js';

export interface Command {
  summary: string;
  run(args: string[], env: NodeJS.ProcessEnv): Promise<number | void>;
}

const commands: Record<string, Command> = {
  serve: serveCommand,
  migrate: migrateCommand,
  token: tokenCommand,
  audit: auditCommand,
  maintenance: maintenanceCommand,
  campaign: campaignCommand,
  relations: relationsCommand,
  exposure: exposureCommand,
  draft: draftCommand,
  breach: breachCommand,
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(12)} ${command.summary}`);
  return `usage: vigie <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nConfiguration comes from environment variables; see README.md.`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`vigie: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return (await command.run(args, env)) ?? 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      console.error(`vigie: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const loadConfig = (env: NodeJS.ProcessEnv) => parseConfig(env);

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
