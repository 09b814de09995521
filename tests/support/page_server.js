'use strict';
// The product's own page server (web/server/serve.js) for a browser test, so its CSP
// and headers are what is tested: on 10.200.0.1 and a free port in the test
// network namespace, talking to one Janus.
//
//   const web = await PageServer.start(janus.wsUrl, { recDir, tokenSecretFile });
//   web.origin        http://10.200.0.1:<port>
//   web.output()      what it printed; saveArtifacts(dir) writes it as web-serve.log
//   await web.stop()

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { REPO } = require('./janus');
const { HOST_IP } = require('./netns');
const { freePort, portAnswers, sleep } = require('./util');

const SERVE_JS = path.join(REPO, 'web', 'server', 'serve.js');

class PageServer {
  // recDir: the plugin's rec_dir, for the /rec/<capability> links (optional).
  // tokenSecretFile: Janus's token_auth_secret, for the tokens in /config.json (optional).
  // loops: Janus's event_loops, for the page to name its room's loop (optional).
  static async start(janusWs, { recDir, tokenSecretFile, loops } = {}) {
    const port = await freePort(HOST_IP);
    const args = [SERVE_JS, '--host', HOST_IP, '--port', String(port), '--janus', janusWs];
    if (recDir) args.push('--rec-dir', recDir);
    if (tokenSecretFile) args.push('--janus-token-secret-file', tokenSecretFile);
    if (loops) args.push('--janus-loops', String(loops));
    const server = new PageServer(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }), port);
    const deadline = Date.now() + 10000;
    while (!(await portAnswers(port, HOST_IP))) {
      if (server.child.exitCode !== null) throw new Error(`web/server/serve.js exited: ${server.output()}`);
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`web/server/serve.js did not listen in time: ${server.output()}`);
      }
      await sleep(50);
    }
    return server;
  }

  constructor(child, port) {
    this.child = child;
    this.origin = `http://${HOST_IP}:${port}`;
    this.text = '';
    child.stdout.on('data', (d) => {
      this.text += d;
    });
    child.stderr.on('data', (d) => {
      this.text += d;
    });
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    process.on('exit', () => child.kill('SIGKILL'));
  }

  output() {
    return this.text;
  }

  saveArtifacts(dir) {
    fs.writeFileSync(path.join(dir, 'web-serve.log'), this.text);
  }

  async stop() {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await Promise.race([this.exited, sleep(3000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

module.exports = { PageServer, SERVE_JS };
