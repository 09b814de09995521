'use strict';
// Searches for personal data left behind: unique markers (names, labels,
// titles, tokens) in every file under a folder, byte for byte (SQLite pages,
// WAL, logs, recordings alike), and the consistency of a SQLite store.

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

// A marker no test data contains by chance; `tag` says what it stands for.
function marker(tag) {
  return `Cnry${crypto.randomBytes(5).toString('hex')}${tag}`;
}

function* filesUnder(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

// [{file, marker, count}] for every marker found in `buffer` (also as UTF-16LE,
// the way some stores keep text).
function hitsInBuffer(buffer, markers, file) {
  const hits = [];
  for (const m of markers) {
    let count = 0;
    for (const needle of [Buffer.from(m, 'utf8'), Buffer.from(m, 'utf16le')]) {
      for (let at = buffer.indexOf(needle); at !== -1; at = buffer.indexOf(needle, at + 1)) count += 1;
    }
    if (count > 0) hits.push({ file, marker: m, count });
  }
  return hits;
}

// Every hit of every marker in every file under `dir` (except `skip(file)`).
function scanTree(dir, markers, { skip = () => false } = {}) {
  const hits = [];
  for (const file of filesUnder(dir)) {
    if (skip(file)) continue;
    hits.push(...hitsInBuffer(fs.readFileSync(file), markers, file));
  }
  return hits;
}

// Large files (core dumps) in chunks, with an overlap so no hit is cut in two.
function scanLargeFile(file, markers) {
  const longest = Math.max(...markers.map((m) => Buffer.byteLength(m, 'utf16le')));
  const chunk = 64 * 1024 * 1024;
  const fd = fs.openSync(file, 'r');
  const counts = new Map();
  try {
    const buffer = Buffer.alloc(chunk + longest);
    let offset = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, chunk + longest, offset);
      if (n <= 0) break;
      // Count only hits starting in the first `chunk` bytes (the rest is the next chunk's).
      for (const h of hitsInBuffer(buffer.subarray(0, n), markers, file)) {
        const inChunk = hitsInBuffer(buffer.subarray(Math.min(n, chunk), n), [h.marker], file);
        const tail = inChunk.length > 0 && n > chunk ? inChunk[0].count : 0;
        counts.set(h.marker, (counts.get(h.marker) || 0) + h.count - tail);
      }
      if (n < chunk + longest) break;
      offset += chunk;
    }
  } finally {
    fs.closeSync(fd);
  }
  return [...counts].filter(([, c]) => c > 0).map(([m, count]) => ({ file, marker: m, count }));
}

// `PRAGMA integrity_check` with the sqlite3 CLI: "ok" when consistent.
function integrityCheck(dbPath) {
  return execFileSync('sqlite3', ['-readonly', dbPath, 'PRAGMA integrity_check;'], { encoding: 'utf8', timeout: 30000 }).trim();
}

module.exports = { marker, filesUnder, scanTree, scanLargeFile, integrityCheck };
