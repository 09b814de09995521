'use strict';
// The page's texts (web/js/i18n.js), without a browser: German and English
// have the same keys, every key the markup and the scripts name exists, every
// error code of the plugin has a human sentence, and no text is left unused.
//
//   cd tests/e2e && node --test web_i18n.test.js      (no namespace needed)

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { REPO } = require('../support/janus');

const WEB = path.join(REPO, 'web');

// i18n.js and the text files it imports (i18n_<feature>.js): ES modules
// without other imports. Loaded from a copy in a folder that says "module".
const isTextTable = (f) => /^i18n(_\w+)?\.js$/.test(f);

async function loadI18n() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-i18n-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  for (const f of fs.readdirSync(path.join(WEB, 'js')).filter(isTextTable)) fs.copyFileSync(path.join(WEB, 'js', f), path.join(dir, f));
  try {
    return await import(path.join(dir, 'i18n.js'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function sources() {
  // web/js and its folders (screens/, room/); not the node tests beside the modules.
  const scripts = fs.readdirSync(path.join(WEB, 'js'), { recursive: true }).filter((f) => f.endsWith('.js') && !f.endsWith('.test.js') && !isTextTable(f));
  const files = [path.join(WEB, 'index.html'), ...scripts.map((f) => path.join(WEB, 'js', f))];
  const out = files.map((f) => ({ file: path.relative(REPO, f), text: fs.readFileSync(f, 'utf8') }));
  // i18n.js's own functions (after the tables) use keys too.
  const own = fs.readFileSync(path.join(WEB, 'js', 'i18n.js'), 'utf8');
  out.push({ file: 'web/js/i18n.js', text: own.slice(own.indexOf('export const LANGUAGES')) });
  return out;
}

// Keys named in markup and scripts: data-i18n="k", data-quick="k", 'k' string literals that look like keys.
function usedKeys(known) {
  const used = new Map();
  for (const { file, text } of sources()) {
    for (const m of text.matchAll(/data-(?:i18n|quick)="([\w.]+)"/g)) used.set(m[1], file);
    for (const m of text.matchAll(/'([a-z]+(?:\.[A-Za-z0-9_]+)+)'/g)) {
      const k = m[1];
      if (!/\.(js|css|html|json)$/.test(k) && !k.startsWith('janus.')) used.set(k, file);
    }
  }
  // Keys built from parts at run time.
  for (const k of known) {
    if (/^error\.\d+$/.test(k) || /^incident\./.test(k)) used.set(k, 'computed');
  }
  return used;
}

test('web i18n: German and English have the same keys, all non-empty', async () => {
  const { LANGUAGES } = await loadI18n();
  const de = Object.keys(LANGUAGES.de).sort();
  const en = Object.keys(LANGUAGES.en).sort();
  assert.deepEqual(en.filter((k) => !de.includes(k)), [], 'keys only in English');
  assert.deepEqual(de.filter((k) => !en.includes(k)), [], 'keys only in German');
  for (const lang of ['de', 'en']) {
    for (const [k, v] of Object.entries(LANGUAGES[lang])) assert.ok(typeof v === 'string' && v.trim(), `${lang} ${k} is empty`);
  }
  // The same {parameters} in both languages.
  for (const k of de) {
    const params = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(params(LANGUAGES.en[k]), params(LANGUAGES.de[k]), `parameters of ${k}`);
  }
});

test('web i18n: every key the page names exists, and every text is used', async () => {
  const { LANGUAGES } = await loadI18n();
  const known = new Set(Object.keys(LANGUAGES.de));
  const used = usedKeys(known);
  const missing = [...used].filter(([k]) => !known.has(k)).map(([k, f]) => `${k} (${f})`);
  assert.deepEqual(missing, [], 'keys named in web/ but missing in i18n.js');
  const unused = [...known].filter((k) => !used.has(k));
  assert.deepEqual(unused, [], 'texts in i18n.js that nothing uses');
});

test('web i18n: a human sentence for every error code of the plugin, in both languages', async () => {
  const { LANGUAGES } = await loadI18n();
  const readme = fs.readFileSync(path.join(REPO, 'docs', 'api.md'), 'utf8');
  const codes = [...readme.matchAll(/^\| (4\d\d) \|/gm)].map((m) => m[1]);
  assert.ok(codes.length >= 10, `error table found in docs/api.md (${codes.join(', ')})`);
  for (const code of codes) {
    for (const lang of ['de', 'en']) {
      const text = LANGUAGES[lang][`error.${code}`];
      assert.ok(text, `${lang}: no sentence for ${code}`);
      assert.ok(!/\d{3}/.test(text) && /[.!]$/.test(text), `${lang} error.${code} is a sentence without the code: ${text}`);
    }
  }
});
