/**
 * A minimal websocket (RFC 6455) server side and client for the nginx integration test, with node's `http` and
 * `net` only: the handshake, and unfragmented text / close frames of any short length. Enough to show that nginx
 * passes an upgrade and which backend a websocket lands on; not a general-purpose implementation.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;

/** The Sec-WebSocket-Accept value for a Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** One frame; clients must mask, servers must not. */
function encodeFrame(opcode: number, payload: Buffer, mask: boolean): Buffer {
  const len = payload.length;
  const header: number[] = [0x80 | opcode];
  if (len < 126) header.push((mask ? 0x80 : 0) | len);
  else if (len < 65536) header.push((mask ? 0x80 : 0) | 126, len >> 8, len & 0xff);
  else throw new Error('frames over 64 KiB are not supported by this test helper');
  if (!mask) return Buffer.concat([Buffer.from(header), payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(header), key, masked]);
}

/** A decoded frame. */
interface Frame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Splits a byte stream into frames (masked or not). */
class FrameReader {
  private buffer = Buffer.alloc(0);

  /** Adds received bytes and returns the frames now complete. */
  public push(chunk: Buffer): Frame[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffer.length < 2) break;
      const opcode = this.buffer[0] & 0x0f;
      const masked = (this.buffer[1] & 0x80) !== 0;
      let len = this.buffer[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) break;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        throw new Error('frames over 64 KiB are not supported by this test helper');
      }
      const keyLen = masked ? 4 : 0;
      if (this.buffer.length < offset + keyLen + len) break;
      const key = this.buffer.subarray(offset, offset + keyLen);
      const data = Buffer.from(this.buffer.subarray(offset + keyLen, offset + keyLen + len));
      if (masked) for (let i = 0; i < data.length; i++) data[i] ^= key[i % 4];
      frames.push({ opcode, payload: data });
      this.buffer = this.buffer.subarray(offset + keyLen + len);
    }
    return frames;
  }
}

/**
 * Accepts a websocket upgrade on a backend and echoes every text message as `<id>|<message>`, so the client sees
 * which backend holds its connection. Returns false (and refuses) if the request is not a websocket upgrade.
 */
export function acceptWebSocket(req: http.IncomingMessage, socket: Duplex, id: string): boolean {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || String(req.headers.upgrade).toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return false;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  const reader = new FrameReader();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) {
      if (frame.opcode === OPCODE_TEXT) {
        socket.write(encodeFrame(OPCODE_TEXT, Buffer.from(`${id}|${frame.payload.toString('utf8')}`), false));
      } else if (frame.opcode === OPCODE_CLOSE) {
        socket.end(encodeFrame(OPCODE_CLOSE, Buffer.alloc(0), false));
      }
    }
  });
  socket.on('error', () => socket.destroy());
  return true;
}

/** The client end of an open websocket. */
export class WebSocketClient {
  private readonly reader = new FrameReader();
  private readonly received: string[] = [];
  private waiter: (() => void) | undefined;
  private closed = false;

  /** @param head bytes that arrived with the 101 answer (the start of the frame stream) */
  constructor(
    private readonly socket: Duplex,
    head: Buffer,
  ) {
    if (head.length > 0) this.onData(head);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const onEnd = (): void => {
      this.closed = true;
      this.waiter?.();
    };
    socket.on('close', onEnd);
    socket.on('error', onEnd);
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.reader.push(chunk)) {
      if (frame.opcode === OPCODE_TEXT) this.received.push(frame.payload.toString('utf8'));
      if (frame.opcode === OPCODE_CLOSE) this.closed = true;
    }
    this.waiter?.();
  }

  /** Sends a text message and resolves with the next text message received. */
  public async exchange(text: string, timeoutMs: number): Promise<string> {
    this.socket.write(encodeFrame(OPCODE_TEXT, Buffer.from(text), true));
    const deadline = Date.now() + timeoutMs;
    while (this.received.length === 0) {
      if (this.closed) throw new Error(`websocket closed before answering ${JSON.stringify(text)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no websocket answer to ${JSON.stringify(text)} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.received.shift()!;
  }

  /** Sends a close frame and destroys the connection. */
  public close(): void {
    if (!this.socket.destroyed) {
      this.socket.write(encodeFrame(OPCODE_CLOSE, Buffer.alloc(0), true));
      this.socket.destroy();
    }
  }
}

/**
 * Opens a websocket to `http://127.0.0.1:<port><path>`: checks the 101 answer and its Sec-WebSocket-Accept.
 */
export function openWebSocket(port: number, path: string, timeoutMs: number): Promise<WebSocketClient> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      agent: false,
      timeout: timeoutMs,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
      },
    });
    req.on('upgrade', (res, socket, head) => {
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        reject(new Error(`bad Sec-WebSocket-Accept: ${String(res.headers['sec-websocket-accept'])}`));
        return;
      }
      socket.setTimeout(0);
      resolve(new WebSocketClient(socket, head));
    });
    req.on('response', (res) => {
      res.resume();
      reject(new Error(`websocket upgrade refused with HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error(`websocket upgrade timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
