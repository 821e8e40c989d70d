#!/usr/bin/env node
/**
 * Builds a full numbering plan for VIGIE_NUMBERING_PLAN from ARCEP's numbering open data ("Ressources en numérotation
 * téléphonique", Licence Ouverte): MAJNUM.csv (each block of numbers and the operator it is allocated to) and
 * MAJRIO.csv / MAJMNC.csv (the operators' names). Download them yourself from
 * https://extranet.arcep.fr/uploads/MAJNUM.csv (and MAJRIO.csv, MAJMNC.csv beside it; also listed on
 * data.gouv.fr), then:
 *
 *   node scripts/carrier-blocks-from-arcep.mjs <folder with the three files> <date of the download, YYYY-MM-DD> <output.json>
 *
 * The result is the organisation's own file (it is not shipped with Vigie: the allocations change every week and
 * the data is ARCEP's); point VIGIE_NUMBERING_PLAN at it.
 *
 * Only mobile blocks (06 and 07) are kept; whole families of blocks of one operator are merged into their
 * shortest prefix. The files are Latin-1 with ';' separators.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [folder, retrieved, output] = process.argv.slice(2);
if (!folder || !/^\d{4}-\d{2}-\d{2}$/.test(retrieved ?? '') || !output) {
  console.error('usage: node scripts/carrier-blocks-from-arcep.mjs <folder> <YYYY-MM-DD> <output.json>');
  process.exit(2);
}

/** Rows of a Latin-1, ';'-separated file with quoted cells, as objects keyed by the header. */
function readCsv(name) {
  const text = new TextDecoder('latin1').decode(readFileSync(join(folder, name)));
  const rows = text.split(/\r?\n/).filter(Boolean).map((line) => [...line.matchAll(/("([^"]*(?:""[^"]*)*)"|[^;]*)(;|$)/g)].map((m) => (m[2] ?? m[1]).replace(/""/g, '"')).slice(0, -1));
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((key, i) => [key, cells[i] ?? ''])));
}

// E.164 country code of each territory named in MAJNUM (ITU-T E.164 assignments for France's overseas departments).
const countryCodes = {
  Métropole: '33',
  'Guadeloupe, St Martin et St Barthélemy': '590',
  Martinique: '596',
  Guyane: '594',
  'La Réunion': '262',
  'La Réunion - Océan indien': '262',
  Mayotte: '262',
  'Saint Pierre et Miquelon': '508',
};

const names = {};
for (const row of readCsv('MAJRIO.csv')) names[row['Code Attributaire']] ??= row.Attributaire;
for (const row of readCsv('MAJMNC.csv')) names[row['Mnémo']] ??= row.Nom;
// The one name shortened: the company's own acronym, under which receipts and people know it.
if (names.SFR0) names.SFR0 = 'SFR';

const blocks = new Map();
const territories = new Map();
let latest = '';
for (const row of readCsv('MAJNUM.csv')) {
  const prefix = row.EZABPQM;
  if (!/^0[67]\d+$/.test(prefix)) continue;
  const code = countryCodes[row.Territoire];
  if (!code) throw new Error(`unknown territory ${row.Territoire} for ${prefix}`);
  blocks.set(prefix, row['Mnémo']);
  territories.set(prefix, code);
  const [d, m, y] = row.Date_Attribution.split('/');
  if (`${y}-${m}-${d}` > latest) latest = `${y}-${m}-${d}`;
}

/** Merges ten sibling prefixes with one value into their parent, from the longest prefixes up. */
function merge(map) {
  const out = new Map(map);
  const longest = Math.max(...[...out.keys()].map((k) => k.length));
  for (let length = longest; length > 3; length--) {
    const parents = new Set([...out.keys()].filter((k) => k.length === length).map((k) => k.slice(0, -1)));
    for (const parent of parents) {
      const children = Array.from({ length: 10 }, (_, i) => out.get(`${parent}${i}`));
      if (children.every((value) => value !== undefined && value === children[0]) && !out.has(parent)) {
        for (let i = 0; i < 10; i++) out.delete(`${parent}${i}`);
        out.set(parent, children[0]);
      }
    }
  }
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The shortest prefixes under which every allocated block has one value, gaps (numbers not allocated) ignored:
 * for the territory of a national number, which unallocated numbers cannot contradict.
 */
function spread(map, prefix) {
  const values = new Set([...map].filter(([key]) => key.startsWith(prefix)).map(([, value]) => value));
  if (values.size === 0) return [];
  if (values.size === 1) return [[prefix, [...values][0]]];
  return Array.from({ length: 10 }, (_, i) => spread(map, `${prefix}${i}`)).flat();
}

const mergedBlocks = merge(blocks);
const overseas = Object.fromEntries(['06', '07'].flatMap((p) => spread(territories, p)).filter(([, code]) => code !== '33'));
const used = new Set(Object.values(mergedBlocks));
const mobileNetworks = Object.fromEntries(readCsv('MAJMNC.csv').filter((row) => /^208\d{2}$/.test(row['MCC-MNC'])).map((row) => [row['MCC-MNC'], row['Mnémo']]));

const data = {
  source:
    "ARCEP, numbering plan open data (« Ressources en numérotation téléphonique », Licence Ouverte): MAJNUM.csv, the blocks of numbers and the operator each is allocated to, and MAJRIO.csv / MAJMNC.csv for the operators' names and mobile network codes. https://extranet.arcep.fr/uploads/MAJNUM.csv (listed on data.gouv.fr). Mobile blocks (06, 07) only, merged into the shortest prefix of one operator by scripts/carrier-blocks-from-arcep.mjs.",
  retrieved,
  latestAllocation: latest,
  caution:
    'An allocation names the operator a block was given to, not the network a subscriber is on today: numbers are ported between operators. The network reported by the SMS provider (its portability lookup) always wins; this table is the fallback, and reports say which carriers were inferred from it.',
  defaultCountry: '33',
  operators: Object.fromEntries(Object.entries(names).filter(([code]) => used.has(code) || Object.values(mobileNetworks).includes(code)).sort(([a], [b]) => (a < b ? -1 : 1))),
  mobileNetworkCodes: mobileNetworks,
  overseasCountryCodes: overseas,
  blocks: mergedBlocks,
};
const target = output;
writeFileSync(target, `${JSON.stringify(data, null, 1)}\n`);
console.log(`${Object.keys(mergedBlocks).length} prefixes (from ${blocks.size} blocks), ${used.size} operators, latest allocation ${latest} -> ${target}`);
