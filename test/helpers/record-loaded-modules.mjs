// `node --import` this file to have the process print, at exit, every module it loaded (ESM and
// CommonJS) as JSON on stderr after a marker line: test/helpers/loaded-modules.ts reads it.
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const loaded = new Set();
port1.on('message', (url) => loaded.add(url));
port1.unref();
const hooks = 'let port; export function initialize(data) { port = data.port; } export async function load(url, context, next) { port.postMessage(url); return next(url, context); }';
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => {
  for (const file of Object.keys(createRequire(import.meta.url).cache)) loaded.add(file);
  process.stderr.write(`\n--loaded-modules--\n${JSON.stringify([...loaded])}\n`);
});
