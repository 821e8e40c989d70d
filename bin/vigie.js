#!/usr/bin/env node
// The compiled CLI (npm install and npm start build it: `npm run build`). This file starts it explicitly:
// npx, npm exec and a global install run it through symlinks (node_modules/.bin/vigie, /usr/local/bin/vigie)
// whose path says nothing about what they point to, so main.js must not guess from process.argv[1].
import('../dist/cli/main.js').then(
  (cli) => cli.runFromCommandLine(),
  (error) => {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
      console.error('vigie: not built yet; run `npm run build` first');
      process.exit(1);
    }
    throw error;
  },
);
