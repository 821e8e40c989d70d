import { ConfigError } from '../config.js';
import { DataDirLockedError } from '../entry/data-dir-lock.js';
import { DomainError } from '../http/errors.js';
import { ApiError } from './api-client.js';

/**
 * What a command that failed prints: one clear line per problem on stderr, never a stack trace for a refused
 * request. A bad setting is exit code 2 (like a bad option); a refusal (problem, validation) is 1; anything
 * else is rethrown (a bug: bin/vigie.js prints its message, exit 1).
 */
export function reportFailure(error: unknown): number {
  if (error instanceof ConfigError) {
    console.error(`vigie: ${error.message}`);
    return 2;
  }
  if (error instanceof ApiError || error instanceof DataDirLockedError || (error instanceof DomainError && error.status < 500) || error instanceof CommandFailure) {
    console.error(`vigie: ${error.message}`);
    return 1;
  }
  throw error;
}

/** A command that cannot do what was asked, for a reason its one line explains (exit code 1). */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
}
