import { Provider } from '@angular/core';
import type { WsClientMessage, WsServerMessage } from '@secureevent/contracts';

import { WEB_SOCKET_FACTORY } from './realtime.client';

/** A WebSocket stand-in that records what the app sends and lets a test push frames. */
export class FakeWebSocket extends EventTarget {
  static readonly instances: FakeWebSocket[] = [];
  readyState: number = WebSocket.CONNECTING;
  readonly sent: WsClientMessage[] = [];

  constructor(readonly url: string) {
    super();
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as WsClientMessage);
  }

  close(code = 1000): void {
    if (this.readyState === WebSocket.CLOSED) {
      return;
    }
    this.readyState = WebSocket.CLOSED;
    this.dispatchEvent(Object.assign(new Event('close'), { code }));
  }

  /** The server accepts the connection. */
  open(): void {
    this.readyState = WebSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }

  /** The server sends a frame. */
  receive(frame: WsServerMessage): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }

  static latest(): FakeWebSocket | undefined {
    return FakeWebSocket.instances.at(-1);
  }

  static reset(): void {
    FakeWebSocket.instances.length = 0;
  }
}

/** Replaces the real socket with `FakeWebSocket` in a TestBed. */
export function provideFakeWebSocket(): Provider {
  return {
    provide: WEB_SOCKET_FACTORY,
    useValue: (url: string) => new FakeWebSocket(url) as unknown as WebSocket,
  };
}
