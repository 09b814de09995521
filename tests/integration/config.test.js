'use strict';
// Options that cannot work stop the plugin at start with a sentence naming the
// option (Janus then runs without it, and the harness's probe says why),
// instead of running with a silent default.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { Janus, COUNSEL_KEYGEN } = require('../support/janus');

const refused = [
  [{ offer_timeout_s: 1 }, /offer_timeout_s must be 2 \.\. 300/],
  [{ offer_timeout_s: 301 }, /offer_timeout_s must be 2 \.\. 300/],
  [{ store: 'mysql' }, /store must be "sqlite" or "postgres"/],
  [{ postgres_conninfo: 'host=127.0.0.1 dbname=x' }, /postgres_conninfo is set but store is "sqlite"/],
  [{ store: 'postgres' }, /postgres_conninfo must be set/],
  [{ reconnect_grace_s: -1 }, /reconnect_grace_s must be between 0 and 600/],
  [{ reconnect_grace_s: 601 }, /reconnect_grace_s must be between 0 and 600/],
];

for (const [counsel, reason] of refused) {
  test(`refused at start: ${JSON.stringify(counsel)}`, async () => {
    await assert.rejects(Janus.start({ counsel }), reason);
  });
}

test('offer_timeout_s inside its range starts', async () => {
  const janus = await Janus.start({ counsel: { offer_timeout_s: 2 } });
  await janus.stop();
});

// A misspelt or unknown name anywhere in janus.plugin.counsel.jcfg stops the
// plugin with a [counsel] line naming it: the default it would leave in force
// is not what the admin wrote (idle_ends_s = 5 would keep idle_end_s at 600).
const unknownNames = [
  [{ counsel: { idle_ends_s: 5 } }, /\[counsel\] unknown key general\.idle_ends_s/],
  [{ counsel: { profil: 'kbv' } }, /\[counsel\] unknown key general\.profil/],
  [{ counsel: { rec_retention: 7 } }, /\[counsel\] unknown key general\.rec_retention\b/],
  [{ pluginConfigTail: 'media: {\n\tslow_link = 1\n}\n' }, /\[counsel\] unknown group 'media'/],
  [{ pluginConfigTail: 'generall: {\n\tidle_end_s = 5\n}\n' }, /\[counsel\] unknown group 'generall'/],
  [{ pluginConfigTail: 'idle_end_s = 5\n' }, /\[counsel\] unknown top-level key 'idle_end_s': it belongs inside general/],
  [{ pluginConfigTail: 'notice = "x"\n' }, /\[counsel\] unknown top-level key 'notice'/],
  [{ practitioners: [{ id: 'dr-b', key_hash: '$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g', role: 'admin' }] },
    /\[counsel\] practitioners entry #2: unknown field 'role'/],
];

for (const [options, line] of unknownNames) {
  test(`refused at start, naming it: ${JSON.stringify(options)}`, async () => {
    const err = await Janus.start(options).then(
      async (janus) => {
        await janus.stop();
        return null;
      },
      (e) => e,
    );
    assert.ok(err, 'the plugin started');
    assert.match(err.message, /janus\.plugin\.counsel is not available/);
    assert.match(err.message, line);
    assert.match(err.message, /\[counsel\] invalid configuration: JANUS Counsel plugin not started/);
  });
}

// A key_hash that can never verify would answer the practitioner's right key
// with 482 forever: it stops the plugin, naming key_hash and the practitioner.
test('a malformed or cut-short $argon2id$ key_hash is refused at start, naming key_hash and the practitioner', async () => {
  // What counsel-keygen printed before the $blake2b$ form (crypto_pwhash_str, interactive limits).
  const real = '$argon2id$v=19$m=65536,t=2,p=1$wxJa6l8AMqQxNiSp1239Ow$Ih+9xw+SSjvqqHwTN1Ze3qaSsmT9siEH1lTgieRx8OU';
  assert.match(real, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  for (const bad of ['$argon2id$garbage', real.slice(0, -1), real.slice(0, -4), real.replace('v=19', 'v=16'), `${real}$`]) {
    await assert.rejects(
      Janus.start({ practitioners: [{ id: 'dr-b', key_hash: bad }] }),
      (err) => {
        assert.match(err.message, /\[counsel\] the core could not start: invalid configuration: practitioner "dr-b": key_hash cannot be used/);
        assert.ok(!err.message.includes(real.slice(-20)), 'the hash is not in the log');
        return true;
      },
      bad.slice(0, 24),
    );
  }
  // The whole hash starts.
  const janus = await Janus.start({ practitioners: [{ id: 'dr-b', key_hash: real }] });
  await janus.stop();
});

test('profile must name a profile that exists', async () => {
  for (const profile of ['kbvx', 'KBV', 'none']) {
    await assert.rejects(Janus.start({ counsel: { profile } }), /profile must be "kbv" or left out/);
  }
});

// The `phone` group (README "Phone dial-in"): only `number` and
// `service_key_hash`, the hash in counsel-keygen's $blake2b$ form, not inside
// general, and not under the KBV profile (a phone leg cannot be end-to-end
// encrypted). Each stops the plugin with a line naming it.
test('the phone group: unknown keys, a misplaced group, an $argon2id$ hash and the KBV profile stop the plugin', async () => {
  const { execFileSync } = require('node:child_process');
  const service = JSON.parse(execFileSync(COUNSEL_KEYGEN, ['--json'], { encoding: 'utf8', timeout: 30000 }));
  const phone = { number: '+49 30 1234567', service_key_hash: service.key_hash };
  const cases = [
    [{ phone: { ...phone, extension: '12' } }, /\[counsel\] unknown key phone\.extension: no such option/],
    [{ pluginConfigTail: 'phone: {\n\tnumbre = "+49 30 1234567"\n}\n' }, /\[counsel\] unknown key phone\.numbre/],
    [{ phone: { ...phone, service_key_hash: '$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g' } },
      /phone\.service_key_hash needs the \$blake2b\$ key_hash counsel-keygen prints/],
    [{ phone: { ...phone, service_key_hash: service.key_hash.slice(0, -2) } }, /phone\.service_key_hash cannot be used/],
    [{ phone, counsel: { profile: 'kbv' } }, /profile kbv forbids phone dial-in/],
    [{ phone: { number: phone.number } }, /phone: number and service_key_hash go together/],
  ];
  for (const [options, line] of cases) {
    const err = await Janus.start(options).then(
      async (janus) => {
        await janus.stop();
        return null;
      },
      (e) => e,
    );
    assert.ok(err, `the plugin started: ${JSON.stringify(options)}`);
    assert.match(err.message, line);
    assert.ok(!err.message.includes(service.key_hash.slice(-20)), 'the hash is not in the log');
  }
  // The group as it should be starts.
  const janus = await Janus.start({ phone });
  await janus.stop();
});
