/**
 * A minimal RESP2 client over `net` for the Redis integration tests: pipelining, no reconnects, no cluster
 * routing (the test routes keys itself, see `_redis-servers.ts`). No npm package involved.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

/** A RESP error reply (`-ERR ...`), returned as a value so that a pipeline can inspect each reply. */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

/** A decoded RESP2 reply. */
export type RespValue = string | number | null | RespError | RespValue[];

interface Pending {
  resolve: (value: RespValue) => void;
  reject: (error: Error) => void;
}

const CRLF = Buffer.from('\r\n');

/** One connection to one Redis server. */
export class RespClient {
  /**
   * Connects to host:port (loopback by default), failing after `timeoutMs`; over TLS with `tlsOptions` (resolves
   * once the handshake is done).
   */
  public static connect(port: number, host = '127.0.0.1', timeoutMs = 5000, tlsOptions?: tls.ConnectionOptions): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions ? tls.connect({ ...tlsOptions, port, host }) : net.connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once(tlsOptions ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RespClient(socket));
      });
      socket.once('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closed: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Sends one command; resolves with the reply, rejects on an error reply or a broken connection. */
  public async call(...args: Array<string | number>): Promise<RespValue> {
    const [reply] = await this.pipeline([args]);
    if (reply instanceof RespError) throw reply;
    return reply;
  }

  /** Sends every command at once and resolves with every reply, error replies included, in order. */
  public pipeline(commands: Array<Array<string | number>>): Promise<RespValue[]> {
    if (this.closed) return Promise.reject(this.closed);
    const replies = commands.map(() => new Promise<RespValue>((resolve, reject) => this.pending.push({ resolve, reject })));
    this.socket.write(Buffer.concat(commands.map(encode)));
    return Promise.all(replies);
  }

  /** Closes the connection. */
  public close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    while (offset < this.buffer.length) {
      let parsed: ReturnType<typeof parse>;
      try {
        parsed = parse(this.buffer, offset);
      } catch (error) {
        this.fail(error as Error);
        this.socket.destroy();
        return;
      }
      if (!parsed) break;
      offset = parsed.next;
      const waiter = this.pending.shift();
      if (!waiter) {
        this.fail(new Error('reply without a pending command'));
        return;
      }
      waiter.resolve(parsed.value);
    }
    this.buffer = this.buffer.subarray(offset);
  }

  private fail(error: Error): void {
    if (!this.closed) this.closed = error;
    for (const waiter of this.pending.splice(0)) waiter.reject(error);
  }
}

function encode(args: Array<string | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(String(arg));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `offset`; undefined when the buffer does not hold all of it yet. */
function parse(buf: Buffer, offset: number): { value: RespValue; next: number } | undefined {
  const end = buf.indexOf(CRLF, offset);
  if (end < 0) return undefined;
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString('utf8', offset + 1, end);
  const next = end + 2;
  switch (type) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: new RespError(line), next };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buf.length < next + length + 2) return undefined;
      return { value: buf.toString('utf8', next, next + length), next: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, at);
        if (!item) return undefined;
        items.push(item.value);
        at = item.next;
      }
      return { value: items, next: at };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}
