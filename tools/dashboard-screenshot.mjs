// Screenshots a page once it shows some text, through headless Chromium's DevTools protocol (the Aspire dashboard is a
// Blazor app: chromium --screenshot captures it before it renders). Run with node --experimental-websocket (Node 20).
// Usage: node --experimental-websocket tools/dashboard-screenshot.mjs <url> <out.png> <text to wait for> [chromium]
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, out, text, browser = '/usr/bin/chromium'] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'flux-shot-'));
const chromium = spawn(browser, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1600,1000',
  '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
const deadline = Date.now() + 60000;
const fail = (why) => { console.error(why); chromium.kill('SIGKILL'); process.exit(1); };
setTimeout(() => fail('timed out'), 60000).unref();

const port = await new Promise((resolve) => {
  let err = '';
  chromium.stderr.on('data', (d) => { err += d; const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err); if (m) resolve(m[1]); });
});
const target = await (await fetch(`http://127.0.0.1:${port}/json/new?${encodeURI(url)}`, { method: 'PUT' })).json();
const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve) => socket.addEventListener('open', resolve));
let id = 0;
const pending = new Map();
socket.addEventListener('message', (e) => { const m = JSON.parse(e.data); if (pending.has(m.id)) { pending.get(m.id)(m.result); pending.delete(m.id); } });
const send = (method, params = {}) => new Promise((resolve) => { pending.set(++id, resolve); socket.send(JSON.stringify({ id, method, params })); });

while (Date.now() < deadline) {
  const seen = await send('Runtime.evaluate', { expression: `document.body && document.body.innerText.includes(${JSON.stringify(text)})`, returnByValue: true });
  if (seen?.result?.value === true) break;
  await new Promise((r) => setTimeout(r, 500));
}
await new Promise((r) => setTimeout(r, 1500)); // let the waterfall finish laying out
const shot = await send('Page.captureScreenshot', { format: 'png' });
writeFileSync(out, Buffer.from(shot.data, 'base64'));
chromium.kill('SIGKILL');
process.exit(0);
