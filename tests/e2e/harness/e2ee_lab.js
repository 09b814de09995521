'use strict';
// The E2EE lab page (pages/e2ee_lab.html, window.lab) in Chromium on the
// static server, without Janus: where e2ee_crypto.test.js and the loopback
// part of e2ee_media.test.js run their checks.
//
//   const lab = useLab();                      // in a file or a describe(): opened before, closed after
//   const r = await lab.evaluate(fn, arg);     // in the page; an error carries the page's last log lines

const { after, before } = require('node:test');

const { Browser, StaticServer } = require('../../support');

function useLab() {
  let web = null;
  let browser = null;
  let page = null;
  before(async () => {
    web = await StaticServer.start();
    browser = await Browser.launch({ origins: [web.origin] });
    page = await browser.open(web.url('e2ee_lab.html'), { name: 'lab' });
    await page.waitForState((s) => s.phase === 'ready', { message: 'e2ee lab loaded', timeoutMs: 10000 });
  });
  after(async () => {
    if (browser) await browser.close();
    if (web) await web.stop();
  });
  return {
    async evaluate(fn, arg) {
      try {
        return await page.page.evaluate(fn, arg);
      } catch (err) {
        err.message += `\npage log:\n${page.logs.slice(-20).join('\n')}`;
        throw err;
      }
    },
  };
}

module.exports = { useLab };
