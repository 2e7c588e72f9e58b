/**
 * A minimal HTTP/1.1 load client for the registry bench: keep-alive sockets, one request in flight
 * per socket (no pipelining, as an app would), requests written as one string and responses read by
 * `content-length`. `node:http`'s client costs about as much CPU per request as the server being
 * measured (~150 µs here), so on a two-core machine it took half the machine; this one costs a
 * fraction of that, which leaves the server's core to the server.
 */
import { connect, type Socket } from 'node:net';

export interface Reply {
  status: number;
  body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (e: Error) => {
      this.waiting?.reject(e);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(url: URL): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => resolve(new Connection(socket, url.host)));
      socket.once('error', reject);
    });
  }

  request(method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
    if (this.waiting) throw new Error('one request at a time per connection');
    const payload = body === undefined ? '' : JSON.stringify(body);
    const head =
      `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\n` +
      (payload ? `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n` : '') +
      (token ? `authorization: Bearer ${token}\r\n` : '');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(`${head}\r\n${payload}`);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      this.waiting?.reject(new Error(`response without content-length: ${head.split('\r\n')[0]}`));
      this.waiting = undefined;
      return;
    }
    const total = end + HEADER_END.length + Number(length);
    if (this.buffer.length < total) return;
    const reply = {
      status: Number(head.slice(9, 12)),
      body: this.buffer.toString('utf8', end + HEADER_END.length, total),
    };
    this.buffer = this.buffer.subarray(total);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(reply);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** `size` keep-alive connections to `url`; each `request` takes a free one (or waits for one). */
export class LoadClient {
  private readonly free: Connection[];
  private readonly queue: ((c: Connection) => void)[] = [];

  private constructor(connections: Connection[]) {
    this.free = connections;
  }

  static async open(url: string, size: number): Promise<LoadClient> {
    const target = new URL(url);
    return new LoadClient(await Promise.all(Array.from({ length: size }, () => Connection.open(target))));
  }

  async request(method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
    const connection =
      this.free.pop() ?? (await new Promise<Connection>((resolve) => this.queue.push(resolve)));
    try {
      return await connection.request(method, path, body, token);
    } finally {
      const next = this.queue.shift();
      if (next) next(connection);
      else this.free.push(connection);
    }
  }

  close(): void {
    for (const c of this.free) c.close();
  }
}
