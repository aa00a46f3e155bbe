// The baseline of bench/realtime: a bare `ws` server that broadcasts a payload it is handed over
// IPC to every connected client — no rooms, no auth, no Redis, no database — with forced-GC memory
// readings. Started by run.mjs with `node --expose-gc`; not meant to be run by hand.
import { WebSocket, WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, clientTracking: true });
await new Promise((resolve) => wss.on('listening', resolve));

process.on('message', (msg) => {
  if (msg.type === 'broadcast') {
    for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(msg.payload);
  } else if (msg.type === 'memory') {
    for (let i = 0; i < 3; i++) globalThis.gc();
    const m = process.memoryUsage();
    const cpu = process.cpuUsage();
    process.send({ type: 'memory', heapUsed: m.heapUsed, rss: m.rss, clients: wss.clients.size, cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (msg.type === 'exit') {
    for (const ws of wss.clients) ws.terminate();
    wss.close(() => process.exit(0));
  }
});
process.send({ type: 'ready', port: wss.address().port });
