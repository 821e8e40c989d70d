import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';

// `audit verify` and `audit generate` report progress on stderr; in a pipe or a log file each report is a
// line of its own (they used to run together: "verified 50 batchesverified 58 batches").
describe('audit progress lines and checkpoint output', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-audit-progress-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('end with a newline when stderr is not a terminal', async () => {
    const writes: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => writes.push(String(chunk)) > 0);
    try {
      const env = { VIGIE_DATA_DIR: dir, DATABASE_URL: '' };
      expect((await runInProcess(['audit', 'generate', '--rows', '3000', '--days', '2', '--seed', '7'], env)).code).toBe(0);
      expect((await runInProcess(['audit', 'verify'], env)).code).toBe(0);
    } finally {
      write.mockRestore();
    }
    const progress = writes.filter((w) => /verified \d+ batches|\d/.test(w) && !w.startsWith('{'));
    expect(progress.some((w) => w.startsWith('verified '))).toBe(true);
    for (const line of progress) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line).not.toContain('\r');
      expect(line.match(/verified/g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
  }, 240_000);

  it('audit checkpoint prints what to keep elsewhere: every stream head and the signature', async () => {
    const env = { VIGIE_DATA_DIR: join(dir, 'checkpoint'), DATABASE_URL: '' };
    expect((await runInProcess(['audit', 'generate', '--rows', '200', '--days', '1', '--seed', '3'], env)).code).toBe(0);
    const checkpoint = await runInProcess(['audit', 'checkpoint'], env);
    expect(checkpoint.code).toBe(0);
    const printed = JSON.parse(checkpoint.stdout) as { streams: number; heads: Record<string, { seq: number; hash: string }>; signature: string; kind: string };
    expect(printed.kind).toBe('periodic');
    expect(printed.streams).toBeGreaterThan(0);
    expect(Object.keys(printed.heads)).toHaveLength(printed.streams);
    for (const head of Object.values(printed.heads)) expect(head).toMatchObject({ seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(printed.signature).toMatch(/^[0-9a-f]{64}$/);
  }, 240_000);
});
