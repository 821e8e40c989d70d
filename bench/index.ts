import { startupBenchmark } from './startup.js';

export interface Benchmark {
  name: string;
  title: string;
  /** Prints its own figures (a table of variants and their ratios). */
  run(): Promise<void>;
}

/** Every benchmark, in the order `npm run bench` runs them. Append yours. */
export const benchmarks: Benchmark[] = [
  startupBenchmark,
];
