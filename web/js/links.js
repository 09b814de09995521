// Personal links: everything an invitee needs travels in the URL #fragment,
// which browsers never send to a server (not in requests, not as Referer).
//
//   https://host/#room=<room id>&token=<personal token>     personal link
//   https://host/#room=<room id>                              room address (+ password told separately)
//
// In e2ee rooms the room key travels in the same fragment: k=<key> (and
// kid=<n> after a rotation), see web/e2ee/README.md; never the server.

import { E2EE } from './e2ee.js';

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function pageBase() {
  return `${location.origin}${location.pathname}`;
}

export function personalLink(room, token) {
  const p = new URLSearchParams({ room, token, ...E2EE.linkParams() });
  return `${pageBase()}#${p.toString()}`;
}

export function roomAddress(room) {
  const p = new URLSearchParams({ room, ...E2EE.linkParams() });
  return `${pageBase()}#${p.toString()}`;
}

// { room, token } | { room } (password link) | { invalid: true } | null (no fragment)
export function parseFragment(hash = location.hash) {
  const raw = hash.replace(/^#/, '');
  if (!raw) return null;
  const p = new URLSearchParams(raw);
  const room = p.get('room');
  const token = p.get('token');
  if (!room || !ID.test(room)) return { invalid: true };
  if (token !== null && !ID.test(token)) return { invalid: true };
  return { room, token: token || null, e2ee: E2EE.fromFragment(p) };
}
