import { startupBenchmark } from './startup.js';
import { exposureBenchmark } from './exposure.js';
import { maintenanceBenchmark } from './maintenance.js';
import { auditBenchmark } from './audit.js';
import { detectionBenchmark } from './detection.js';
import { scaleBenchmark } from './scale.js';
import { noticesBenchmark } from './notices.js';
import { breachesBenchmark } from './breaches.js';
import { deliveryBenchmark } from './delivery.js';
import { consoleBreachBenchmark } from './console-breach.js';
import { consoleBenchmark } from './console.js';
import { edgeBenchmark } from './edge.js';

export interface Benchmark {
  name: string;
  title: string;
  /** Prints its own figures (a table of variants and their ratios). */
  run(): Promise<void>;
}

/** Every benchmark, in the order `npm run bench` runs them. Append yours. */
export const benchmarks: Benchmark[] = [
  startupBenchmark,
  exposureBenchmark,
  maintenanceBenchmark,
  auditBenchmark,
  detectionBenchmark,
  scaleBenchmark,
  noticesBenchmark,
  breachesBenchmark,
  deliveryBenchmark,
  consoleBreachBenchmark,
  consoleBenchmark,
  edgeBenchmark,
];
