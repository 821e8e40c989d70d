/**
 * What `vigie serve --workers N` will run once the CLI has its option (issue 15 restructures src/cli): the
 * cluster runner itself, for tests. `node --import tsx test/helpers/cluster-serve.ts <N|auto>`, settings from
 * the environment.
 */
import { parseConfig } from '../../src/config.js';
import { serveWithWorkers, workerCount } from '../../src/entry/cluster.js';

await serveWithWorkers(parseConfig(process.env), process.env, workerCount(process.argv[2]));
process.exit(process.exitCode ?? 0);
