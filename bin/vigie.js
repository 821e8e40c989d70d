#!/usr/bin/env node
// The compiled CLI (npm install and npm start build it: `npm run build`).
import('../dist/cli/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    console.error('vigie: not built yet; run `npm run build` first');
    process.exit(1);
  }
  throw error;
});
