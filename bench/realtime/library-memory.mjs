#!/usr/bin/env node
// Memory per idle WebSocket connection: raw `ws` versus Socket.IO (the figures behind
// docs/adr/0011-websocket-library.md).
//
// For each library a server runs in its own child process (node --expose-gc), N clients connect
// from this process, and the server reports heap used and RSS after a forced GC, before and after
// the connections, and again after every client joined one room (Socket.IO keeps rooms itself;
// for `ws` the same room is a Set, as in the notification-service's gateway). The delta / N is the
// memory one idle connection costs the server.
//
//   node bench/realtime/library-memory.mjs [--clients 5000] [--sio-dir /tmp/rt-libmem]
//
// Socket.IO is not a dependency of the project. Install it once outside the repository:
//   mkdir -p /tmp/rt-libmem && (cd /tmp/rt-libmem && npm init -y >/dev/null && npm install socket.io@4 socket.io-client@4)
// The `ws` measured is the project's own (node_modules/ws).

import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const clients = Number(opt('clients', 5000));
const sioDir = opt('sio-dir', process.env.SOCKET_IO_DIR ?? '/tmp/rt-libmem');
const role = process.env.LIBMEM_ROLE;

// ------------------------------------------------------------------------------------ server

if (role === 'ws' || role === 'socket.io') {
  const gc = globalThis.gc;
  const measure = () => {
    for (let i = 0; i < 3; i++) gc();
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers };
  };
  let joinRooms;
  let port;
  if (role === 'ws') {
    const { WebSocketServer } = await import('ws');
    const room = new Set();
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, clientTracking: false });
    const sockets = new Set();
    wss.on('connection', (ws) => sockets.add(ws));
    await new Promise((r) => wss.on('listening', r));
    port = wss.address().port;
    joinRooms = () => {
      for (const s of sockets) room.add(s);
    };
  } else {
    const require = createRequire(path.join(sioDir, 'package.json'));
    const { Server } = require('socket.io');
    const http = await import('node:http');
    const server = http.createServer();
    const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
    io.on('connection', () => undefined);
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    port = server.address().port;
    joinRooms = () => {
      for (const s of io.sockets.sockets.values()) s.join('event:bench');
    };
  }
  process.on('message', (msg) => {
    if (msg === 'measure') process.send({ type: 'measured', ...measure() });
    if (msg === 'join') {
      joinRooms();
      process.send({ type: 'joined' });
    }
    if (msg === 'exit') process.exit(0);
  });
  process.send({ type: 'ready', port });
} else {
  await main();
}

// ------------------------------------------------------------------------------------ driver

async function main() {
  const results = [];
  for (const lib of ['ws', 'socket.io']) results.push(await run(lib));
  const kb = (b) => (b / 1024).toFixed(2);
  const out = [];
  out.push(`# WebSocket library memory per idle connection (${clients} connections each)\n`);
  out.push(`Node ${process.version}, ${new Date().toISOString()}. Server in its own process, forced GC before each reading.\n`);
  out.push(
    '| library | heap / conn (KB) | RSS / conn (KB) | external / conn (KB) | heap / conn in one room (KB) | RSS / conn in one room (KB) |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    out.push(
      `| ${r.lib} | ${kb(r.connected.heapUsed / clients)} | ${kb(r.connected.rss / clients)} | ${kb(r.connected.external / clients)} | ${kb(r.joined.heapUsed / clients)} | ${kb(r.joined.rss / clients)} |`,
    );
  }
  const [w, s] = results;
  out.push('');
  out.push(
    `Ratios Socket.IO / ws: heap ${(s.joined.heapUsed / w.joined.heapUsed).toFixed(2)}×, RSS ${(s.joined.rss / w.joined.rss).toFixed(2)}×.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

async function run(lib) {
  process.stderr.write(`[library-memory] ${lib}: starting server\n`);
  const child = fork(fileURLToPath(import.meta.url), ['--sio-dir', sioDir], {
    env: { ...process.env, LIBMEM_ROLE: lib },
    execArgv: ['--expose-gc'],
  });
  const next = (type) =>
    new Promise((resolve) =>
      child.on('message', function on(m) {
        if (m.type === type) {
          child.off('message', on);
          resolve(m);
        }
      }),
    );
  const { port } = await next('ready');
  const ask = async (cmd, type) => {
    const p = next(type);
    child.send(cmd);
    return p;
  };
  await new Promise((r) => setTimeout(r, 500));
  const before = await ask('measure', 'measured');
  const conns = [];
  if (lib === 'ws') {
    const { WebSocket } = await import('ws');
    for (let i = 0; i < clients; i += 200) {
      await Promise.all(
        Array.from(
          { length: Math.min(200, clients - i) },
          () =>
            new Promise((resolve, reject) => {
              const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
              ws.once('open', () => resolve());
              ws.once('error', reject);
              conns.push(ws);
            }),
        ),
      );
    }
  } else {
    const require = createRequire(path.join(sioDir, 'package.json'));
    const { io } = require('socket.io-client');
    for (let i = 0; i < clients; i += 200) {
      await Promise.all(
        Array.from(
          { length: Math.min(200, clients - i) },
          () =>
            new Promise((resolve, reject) => {
              const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
              s.once('connect', () => resolve());
              s.once('connect_error', reject);
              conns.push(s);
            }),
        ),
      );
    }
  }
  process.stderr.write(`[library-memory] ${lib}: ${conns.length} connected\n`);
  await new Promise((r) => setTimeout(r, 1000));
  const connected = await ask('measure', 'measured');
  await ask('join', 'joined');
  const joined = await ask('measure', 'measured');
  child.send('exit');
  for (const c of conns) (c.terminate ?? c.disconnect).call(c);
  await new Promise((r) => setTimeout(r, 500));
  const delta = (m) => ({ heapUsed: m.heapUsed - before.heapUsed, rss: m.rss - before.rss, external: m.external - before.external });
  return { lib, connected: delta(connected), joined: delta(joined) };
}
