'use strict';
// jcfg (libconfig) text, as Janus and the plugin read their configuration.
//
//   jcfgText({ general: { debug_level: 4 }, nat: {} })   ->  "general: {\n\tdebug_level = 4\n}\nnat: {\n\n}\n"
//   jcfgList('practitioners', [{ id: 'test', key_hash }]) ->  "practitioners = (\n\t{ id = \"test\"; key_hash = \"…\"; }\n)\n"

// A scalar value: numbers and booleans bare, everything else a quoted string.
function jcfgValue(value) {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// { group: { key: value } } -> groups of scalar settings (undefined and null are left out).
function jcfgText(groups) {
  return Object.entries(groups)
    .map(([name, entries]) => {
      const lines = Object.entries(entries || {})
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => `\t${k} = ${jcfgValue(v)}`);
      return `${name}: {\n${lines.join('\n')}\n}\n`;
    })
    .join('');
}

// A top-level list of groups, every field of every entry written.
function jcfgList(name, entries) {
  const items = entries.map((e) => `\t{ ${Object.entries(e).map(([k, v]) => `${k} = ${jcfgValue(v)};`).join(' ')} }`);
  return `${name} = (\n${items.join(',\n')}\n)\n`;
}

module.exports = { jcfgValue, jcfgText, jcfgList };
