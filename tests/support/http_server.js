'use strict';
// A tiny static web server for the test pages (node:http, no framework),
// listening on 10.200.0.1 in the test namespace.
//
//   const web = await StaticServer.start();             // serves tests/e2e/pages at /, the page at /web/
//   web.url('echotest.html', { server: janus.wsUrl })   // http://10.200.0.1:<port>/echotest.html?server=ws%3A...
//   await web.stop()
//
// Besides the pages folder it serves /janus.js and /adapter.js from Debian's
// libjs-janus-gateway and libjs-webrtc-adapter (a page loads adapter.js first),
// the product's page at /web/ (so a test page imports the page's own modules,
// e.g. /web/js/sdp_rid.js), and any extra mounts: StaticServer.start({ mounts: { '/x/': dir } }).
// Only GET/HEAD of files below a mount; no directory listings; nothing is cached.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { HOST_IP } = require('./netns');

const PAGES = path.resolve(__dirname, '..', 'e2e', 'pages');
const WEB = path.resolve(__dirname, '..', '..', 'web');
const FILES = {
  '/janus.js': process.env.JANUS_JS || '/usr/share/javascript/janus-gateway/janus.js',
  '/adapter.js': process.env.ADAPTER_JS || '/usr/share/javascript/webrtc-adapter/adapter.js',
};
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.y4m': 'application/octet-stream',
};

class StaticServer {
  // options: root (default tests/e2e/pages), mounts { '/prefix/': dir } (besides /web/), files { '/name': file }, port (default: any free)
  static async start(options = {}) {
    const server = new StaticServer(options);
    await server._listen(options.port || 0);
    return server;
  }

  constructor(options) {
    this.host = HOST_IP;
    this.files = { ...FILES, ...(options.files || {}) };
    // Longest prefix first.
    this.mounts = Object.entries({ '/': options.root || PAGES, '/web/': WEB, ...(options.mounts || {}) })
      .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, path.resolve(dir)])
      .sort((a, b) => b[0].length - a[0].length);
    this.requests = []; // [{ method, path, status }] for post-mortems
    this.server = http.createServer((req, res) => this._handle(req, res));
    this.sockets = new Set();
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  _listen(port) {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.port = this.server.address().port;
        resolve();
      });
    });
  }

  get origin() {
    return `http://${this.host}:${this.port}`;
  }

  // The URL of a page, with query parameters.
  url(page, params = {}) {
    const u = new URL(page.replace(/^\/+/, ''), `${this.origin}/`);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
    return u.toString();
  }

  _resolve(urlPath) {
    if (Object.hasOwn(this.files, urlPath)) return this.files[urlPath];
    for (const [prefix, dir] of this.mounts) {
      if (!urlPath.startsWith(prefix)) continue;
      const file = path.resolve(dir, `.${urlPath.slice(prefix.length - 1)}`);
      if (file !== dir && !file.startsWith(dir + path.sep)) return null; // no escape from the mount
      return file;
    }
    return null;
  }

  _handle(req, res) {
    const send = (status, body, headers = {}) => {
      this.requests.push({ method: req.method, path: req.url, status });
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, this.origin).pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (urlPath.includes('\0')) return send(400, 'bad request\n');
    if (urlPath === '/favicon.ico') return send(204, '');
    if (urlPath.endsWith('/')) urlPath += 'index.html';
    const file = this._resolve(urlPath);
    if (!file) return send(404, 'not found\n');
    fs.readFile(file, (err, data) => {
      if (err) return send(err.code === 'ENOENT' || err.code === 'EISDIR' ? 404 : 500, 'not found\n');
      return send(200, data, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    });
  }

  // The request log as http-requests.json in `dir` (failure artifacts).
  saveArtifacts(dir) {
    fs.writeFileSync(path.join(dir, 'http-requests.json'), JSON.stringify(this.requests, null, 2));
  }

  async stop() {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }
}

module.exports = { StaticServer, PAGES, WEB };
