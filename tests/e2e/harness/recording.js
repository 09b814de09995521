'use strict';
// The recording tests' vocabulary (recording.test.js, recording_disk_full.test.js):
// people on pages/recording.html (the media page plus a timestamped record of
// the recording events) in a room created "with consent", asked, answering,
// ending; the room folder in rec_dir and its MP4; the /rec/ links served the
// way the page's server does it (web/server/rec_links.js).

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const recLinks = require('../../../web/server/rec_links.js');
const { HOST_IP } = require('../../support/netns');
const { sleep } = require('../../support/util');

const FINALIZE_TIMEOUT_MS = 120000;

const call = (tp, fn, arg) => tp.page.evaluate(fn, arg);
const request = async (tp, body) => (await call(tp, (b) => window.counsel.request(b), body)).msg;
const publish = (tp, simulcast = false) =>
  call(tp, (sim) => window.counsel.publish({ audio: true, video: true, data: false, simulcast: sim }), simulcast);
const recEvents = async (tp) => (await tp.state()).recording.events;

async function openPerson(env, label) {
  const tp = await env.open('recording.html', { label }, { name: label });
  await tp.waitForState((s) => s.phase === 'attached', { message: `${label} attached` });
  return tp;
}

// A recording room: the moderator joined, `labels` invited and waiting in the lobby.
async function recordingRoom(env, labels) {
  const mod = await openPerson(env, 'moderator');
  const created = await request(mod, {
    request: 'create',
    practitioner_key: env.janus.practitionerKey,
    invitees: labels.map((label) => ({ label })),
    recording: 'with_consent',
  });
  assert.equal(created.counsel, 'created', JSON.stringify(created));
  assert.equal(created.e2ee, false);
  const joined = await request(mod, { request: 'join', room: created.room, token: created.moderator_token, display: 'Dr. M' });
  assert.equal(joined.counsel, 'joined', JSON.stringify(joined));
  const people = { moderator: { tp: mod, id: joined.id } };
  for (const [i, label] of labels.entries()) {
    const tp = await openPerson(env, label);
    const waiting = await request(tp, { request: 'join', room: created.room, token: created.invites[i].token, display: label });
    assert.equal(waiting.counsel, 'waiting', JSON.stringify(waiting));
    people[label] = { tp, id: waiting.id };
  }
  return people;
}

async function admit(people, label) {
  const ok = await request(people.moderator.tp, { request: 'admit', id: people[label].id });
  assert.equal(ok.counsel, 'ok', JSON.stringify(ok));
  await people[label].tp.waitForState((s) => s.handles.c.messages.some((m) => m.msg.counsel === 'admitted'), {
    message: `${label} admitted`,
  });
}

// Publishes camera and microphone and waits until every other admitted person decodes them.
async function publishAll(people, labels, { simulcast = [] } = {}) {
  for (const label of labels) {
    const res = await publish(people[label].tp, simulcast.includes(label));
    assert.equal(res.msg.counsel, 'published', JSON.stringify(res.msg));
    if (simulcast.includes(label)) assert.equal(res.msg.streams.find((st) => st.kind === 'video').simulcast, true, JSON.stringify(res.msg));
  }
  for (const label of labels) {
    await people[label].tp.waitForState(
      (s) => Object.keys(s.counsel.mids || {}).length >= 2 * (labels.length - 1) && s.counsel.answered > 0,
      { message: `${label} receives the others`, timeoutMs: 20000 },
    );
  }
  await sleep(1500); // media flowing (and a keyframe) before anyone is asked
}

// The moderator asks; everyone gets a consent request.
async function ask(people, labels) {
  const ok = await request(people.moderator.tp, { request: 'record', action: 'request' });
  assert.equal(ok.counsel, 'ok', JSON.stringify(ok));
  for (const label of labels) {
    await people[label].tp.waitForState((s) => s.recording.events.some((e) => e.counsel === 'consent_request'), {
      message: `${label} asked for consent`,
    });
  }
}

async function consent(people, label, yes) {
  const answer = await request(people[label].tp, { request: 'consent', recording: yes });
  assert.equal(answer.counsel, 'ok', JSON.stringify(answer));
  return { at: Date.now(), download: answer.download };
}

// The time (page clock) the page first saw the recording indicator in `state` after `since`.
async function waitIndicator(tp, state, since = 0, timeoutMs = 10000) {
  await tp.waitForState((s) => s.recording.events.some((e) => e.counsel === 'recording' && e.state === state && e.t >= since), {
    message: `${tp.name} sees recording ${state}`,
    timeoutMs,
  });
  return (await recEvents(tp)).find((e) => e.counsel === 'recording' && e.state === state && e.t >= since).t;
}

// Ends the session (the reply is {counsel:"ended"}, which window.counsel.request does not wait for).
async function endSession(people) {
  const mod = people.moderator.tp;
  await call(mod, () => {
    window.counsel.request({ request: 'end' });
  });
  await mod.waitForState((s) => s.recording.events.some((e) => e.counsel === 'ended'), { message: 'session ended' });
  return (await recEvents(mod)).find((e) => e.counsel === 'ended').t;
}

// The room folder in rec_dir (the one entry that is not the link store).
function roomFolder(recDir) {
  const rooms = fs.readdirSync(recDir).filter((n) => n !== '_links');
  return rooms.length === 1 ? path.join(recDir, rooms[0]) : null;
}

async function waitForFile(file, timeoutMs = FINALIZE_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return;
    await sleep(250);
  }
  throw new Error(`${file} did not appear within ${timeoutMs} ms`);
}

function ffprobe(file) {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,sample_rate,channels:format=duration', '-of', 'json', file], {
      encoding: 'utf8',
    }),
  );
}

// A server that answers /rec/<capability> from the link store, as the page's server does.
async function linkServer(recDir) {
  const server = http.createServer((req, res) => recLinks.serve(req, res, { recDir }));
  await new Promise((resolve) => server.listen(0, HOST_IP, resolve));
  return { origin: `http://${HOST_IP}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

// A moderator and a client publishing, asked, both saying yes: recording.
// Returns { people, yes (the client's answer), started (the moderator's indicator time) }.
async function recordingWithConsent(env) {
  const people = await recordingRoom(env, ['client']);
  await admit(people, 'client');
  await publishAll(people, ['moderator', 'client']);
  await ask(people, ['moderator', 'client']);
  const yes = await consent(people, 'client', true);
  await consent(people, 'moderator', true);
  const started = await waitIndicator(people.moderator.tp, 'recording');
  return { people, yes, started };
}

module.exports = {
  FINALIZE_TIMEOUT_MS,
  call,
  request,
  publish,
  recEvents,
  openPerson,
  recordingRoom,
  admit,
  publishAll,
  ask,
  consent,
  recordingWithConsent,
  waitIndicator,
  endSession,
  roomFolder,
  waitForFile,
  ffprobe,
  linkServer,
};
