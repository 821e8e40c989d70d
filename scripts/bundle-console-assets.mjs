#!/usr/bin/env node
/**
 * Builds the console's static assets from node_modules (never committed, like the templates bundle):
 *
 * - the State design system's stylesheet (@gouvfr/dsfr), every file it refers to (Marianne and Spectral fonts,
 *   the icons its components draw) and the rules of the `fr-icon-*` classes the console's pages use (found in
 *   src/console), and its script (mobile menu, modals);
 * - uPlot (charts) and the console's own thin browser scripts (src/console/browser/*.js).
 *
 * Each file gets a content-hashed name (`dsfr.3fa9c1d2e4.css`), so it can be cached forever
 * (`Cache-Control: immutable`), and precompressed brotli and gzip copies beside it; the server picks one by
 * Accept-Encoding. Output: dist/console-assets/ (Node reads it; wrangler's [assets] uploads it for Workers)
 * and src/console/assets.generated.ts, the manifest pages use to name them. Files whose hashed name exists
 * already are not compressed again, so the script is cheap to run at every build and type-check.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'dist/console-assets');
const manifestFile = join(root, 'src/console/assets.generated.ts');
const dsfr = join(root, 'node_modules/@gouvfr/dsfr/dist');
const uplot = join(root, 'node_modules/uplot/dist');

const types = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};
// Already compressed formats gain nothing from another pass.
const compressible = new Set(['.css', '.js', '.svg']);

/** name → { file, type } of every asset written, by logical name. */
const written = new Map();

function hashed(logical, content) {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const ext = extname(logical);
  return `${basename(logical, ext)}.${hash}${ext}`;
}

function emit(logical, content) {
  const name = hashed(logical, content);
  const target = join(outDir, name);
  if (!existsSync(target)) {
    writeFileSync(target, content);
    if (compressible.has(extname(name))) {
      writeFileSync(`${target}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } }));
      writeFileSync(`${target}.gz`, gzipSync(content, { level: 9 }));
    }
  }
  written.set(logical, { name, type: types[extname(name)] });
  return name;
}

/** Rewrites a stylesheet's url(...) references to hashed files written beside it (data: URIs stay). */
function rewriteUrls(css, cssDir) {
  return css.replace(/url\((['"]?)([^)'"]+)\1\)/g, (match, _quote, ref) => {
    if (ref.startsWith('data:') || ref.startsWith('#')) return match;
    const path = resolve(cssDir, ref.split(/[?#]/)[0]);
    if (!path.startsWith(dsfr + sep)) throw new Error(`stylesheet refers outside the design system: ${ref}`);
    const logical = relative(dsfr, path).split(sep).join('/');
    const name = written.get(logical)?.name ?? emit(logical, readFileSync(path));
    return `url(${name})`;
  });
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** The `fr-icon-*` classes written in the console's source (pages, layout): only their rules are shipped. */
function iconsUsed() {
  const names = new Set();
  for (const file of walk(join(root, 'src/console'))) {
    if (!/\.(tsx?|js)$/.test(file) || file.endsWith('.generated.ts')) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/\bfr-icon-([a-z0-9-]+)/g)) names.add(match[1]);
  }
  return [...names].sort();
}

function iconRules(names) {
  const utility = readFileSync(join(dsfr, 'utility/icons/icons.min.css'), 'utf8');
  const rules = [];
  for (const name of names) {
    const found = new RegExp(`\\.fr-icon-${name}:after,\\.fr-icon-${name}:before\\{-webkit-mask-image:url\\(([^)]+)\\)`).exec(utility);
    if (!found) throw new Error(`fr-icon-${name} is used in src/console but is not a DSFR icon`);
    const url = found[1];
    rules.push(`.fr-icon-${name}:after,.fr-icon-${name}:before{-webkit-mask-image:url(${url});mask-image:url(${url})}`);
  }
  return rules.join('\n');
}

mkdirSync(outDir, { recursive: true });
const before = new Set(readdirSync(outDir));

const dsfrCss = rewriteUrls(readFileSync(join(dsfr, 'dsfr.min.css'), 'utf8'), dsfr);
emit('dsfr.css', Buffer.from(dsfrCss));
emit('icons.css', Buffer.from(rewriteUrls(iconRules(iconsUsed()), join(dsfr, 'utility/icons'))));
emit('dsfr.js', readFileSync(join(dsfr, 'dsfr.module.min.js')));
emit('uplot.css', readFileSync(join(uplot, 'uPlot.min.css')));
emit('uplot.js', readFileSync(join(uplot, 'uPlot.iife.min.js')));
const browserDir = join(root, 'src/console/browser');
for (const file of readdirSync(browserDir).sort()) {
  if (file.endsWith('.js') || file.endsWith('.css')) emit(file, readFileSync(join(browserDir, file)));
}

// Files of older builds go: the directory holds exactly what this manifest names.
const kept = new Set([...written.values()].flatMap(({ name }) => [name, `${name}.br`, `${name}.gz`]));
for (const name of before) if (!kept.has(name)) rmSync(join(outDir, name));

const entries = [...written.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
const manifest = `// Generated by scripts/bundle-console-assets.mjs — do not edit.
/** Logical asset name → content-hashed file name served under <admin prefix>/console/assets/. */
export const assetNames: Record<string, string> = {
${entries.map(([logical, { name }]) => `  ${JSON.stringify(logical)}: ${JSON.stringify(name)},`).join('\n')}
};

/** Hashed file name → Content-Type. */
export const assetTypes: Record<string, string> = {
${entries.map(([, { name, type }]) => `  ${JSON.stringify(name)}: ${JSON.stringify(type)},`).join('\n')}
};
`;
mkdirSync(dirname(manifestFile), { recursive: true });
let current = '';
try {
  current = readFileSync(manifestFile, 'utf8');
} catch {}
if (current !== manifest) writeFileSync(manifestFile, manifest);
console.log(`console assets: ${written.size} files in ${relative(root, outDir)}`);
