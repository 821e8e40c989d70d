import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in this process (fast, for many cases), capturing what it prints on stdout and stderr. */
export async function runInProcess(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts) => void err.push(parts.join(' ')));
  try {
    const code = await main(argv, { VIGIE_LOG_LEVEL: 'silent', ...env });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
