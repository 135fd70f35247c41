import type * as Net from 'node:net';

/**
 * A small HTTP/1.1 client over node:net and node:tls, for the REST client (rest.ts).
 *
 * Why not node:http: loading it and sending a first request costs a fresh process about 15 ms of
 * CPU (the module graph, the agent, the parser and stream layers), more than the gate's whole
 * judgement of a small pull request; this client needs a fraction. It is deliberately narrow:
 * requests with an optional text body, responses framed by Content-Length, chunked encoding or
 * the end of the connection, and keep-alive reuse. Anything else in a response (an encoding it
 * did not ask for, a malformed head, a short body) is an error, never a guess: a caller that
 * cannot read GitHub's answer fails closed.
 */

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpClientOptions {
  /** Inactivity limit for one exchange, connecting included. */
  timeoutMs?: number;
  /** Largest response body accepted. */
  maxBodyBytes?: number;
}

/** The response could not be read as HTTP/1.1. */
export class HttpProtocolError extends Error {}

/** A kept-alive connection that the server had closed before it answered: safe to retry. */
class StaleConnection extends Error {}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 1024;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class HttpClient {
  private readonly idle = new Map<string, Idle[]>();
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;

  constructor(opts: HttpClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  }

  async request(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<HttpResponse> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
    const head = requestHead(url, method, headers, body);
    const key = `${url.protocol}//${url.host}`;
    const reused = this.takeIdle(key);
    if (reused) {
      try {
        return await this.exchange(reused, key, method, head, body);
      } catch (e) {
        if (!(e instanceof StaleConnection) || !IDEMPOTENT.has(method)) throw e;
      }
    }
    return this.exchange(connect(url), key, method, head, body);
  }

  /** Close the idle connections (they never keep the process alive; this is for tests). */
  close(): void {
    for (const list of this.idle.values()) for (const { socket } of list.splice(0)) socket.destroy();
    this.idle.clear();
  }

  private exchange(socket: Net.Socket, key: string, method: string, head: string, body: string | undefined): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const parser = new ResponseParser({ headRequest: method === 'HEAD', maxBodyBytes: this.maxBodyBytes });
      let received = false;
      let settled = false;
      const done = (): void => {
        settled = true;
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.off('timeout', onTimeout);
      };
      const fail = (e: Error): void => {
        if (settled) return;
        done();
        socket.destroy();
        reject(e);
      };
      const finish = (): void => {
        if (settled) return;
        done();
        const response = parser.response();
        if (parser.reusable && !socket.destroyed) this.park(key, socket);
        else socket.destroy();
        resolve(response);
      };
      const lost = (why: string): Error => (received ? new HttpProtocolError(`${why} before the response was complete`) : new StaleConnection(`${why} before any answer`));
      const onData = (chunk: Buffer): void => {
        received = true;
        try {
          if (parser.push(chunk)) finish();
        } catch (e) {
          fail(e as Error);
        }
      };
      const onEnd = (): void => {
        try {
          if (parser.end()) finish();
          else fail(lost('the connection was closed'));
        } catch (e) {
          fail(e as Error);
        }
      };
      const onError = (e: Error): void => fail(received ? e : Object.assign(new StaleConnection(e.message), { cause: e }));
      const onClose = (): void => fail(lost('the connection was closed'));
      const onTimeout = (): void => fail(new Error(`no answer within ${this.timeoutMs / 1000} s`));
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.on('timeout', onTimeout);
      socket.setTimeout(this.timeoutMs);
      socket.ref();
      socket.write(body === undefined ? head : head + body);
    });
  }

  /** Keep a finished connection for the next request to the same origin. */
  private park(key: string, socket: Net.Socket): void {
    socket.setTimeout(0);
    // An idle connection must not keep a finished run waiting for the server to hang up.
    socket.unref();
    const list = this.idle.get(key) ?? [];
    this.idle.set(key, list);
    // Closed, failed, or sent bytes nobody asked for (out of step): no longer reusable.
    const drop = (): void => {
      detach();
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
      socket.destroy();
    };
    const detach = (): void => {
      for (const event of ['close', 'end', 'error', 'data']) socket.off(event, drop);
    };
    for (const event of ['close', 'end', 'error', 'data']) socket.on(event, drop);
    const entry: Idle = { socket, detach };
    list.push(entry);
  }

  private takeIdle(key: string): Net.Socket | undefined {
    const entry = this.idle.get(key)?.pop();
    entry?.detach();
    return entry?.socket;
  }
}

interface Idle {
  socket: Net.Socket;
  detach(): void;
}

function connect(url: URL): Net.Socket {
  // An IPv6 literal comes bracketed.
  const name = url.hostname;
  const host = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (url.protocol === 'https:') {
    const tls = process.getBuiltinModule('node:tls') as typeof import('node:tls');
    const net = process.getBuiltinModule('node:net') as typeof import('node:net');
    // Certificates are checked against Node's CA store (and NODE_EXTRA_CA_CERTS), as https does.
    return tls.connect({ host, port: Number(url.port || 443), ALPNProtocols: ['http/1.1'], ...(net.isIP(host) ? {} : { servername: host }) });
  }
  const net = process.getBuiltinModule('node:net') as typeof import('node:net');
  return net.connect({ host, port: Number(url.port || 80) });
}

/** A CR, LF or NUL: what must never reach a header. (String searches: each regex costs a cold process a compilation.) */
function breaksLine(s: string): boolean {
  return s.includes('\r') || s.includes('\n') || s.includes('\0');
}

function requestHead(url: URL, method: string, headers: Record<string, string>, body: string | undefined): string {
  if (!TOKEN.test(method)) throw new Error(`invalid HTTP method ${JSON.stringify(method)}`);
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name) || lower === 'host' || lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') {
      throw new Error(`header ${JSON.stringify(name)} cannot be set here`);
    }
    // A line break in a value (a pasted token, say) would start a header of its own.
    if (breaksLine(value)) throw new Error(`the ${name} header contains a line break`);
    head += `${name}: ${value}\r\n`;
  }
  if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
  // Without it a server may pick any content coding (RFC 9110 §12.5.3); this client decodes none.
  if (!Object.keys(headers).some((n) => n.toLowerCase() === 'accept-encoding')) head += 'accept-encoding: identity\r\n';
  return `${head}connection: keep-alive\r\n\r\n`;
}

type Framing = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'eof' } | { kind: 'chunked' };
type ChunkState = 'size' | 'data' | 'data-end' | 'trailer';

/**
 * An HTTP/1.1 response read from bytes pushed in any split (RFC 9112). Strict: a response it
 * cannot read without guessing throws HttpProtocolError.
 */
export class ResponseParser {
  private buffer: Buffer = Buffer.alloc(0);
  private state: 'head' | 'body' | 'done' = 'head';
  private status = 0;
  private headers: Record<string, string> = {};
  private framing: Framing = { kind: 'none' };
  private chunk: ChunkState = 'size';
  private chunkLeft = 0;
  private readonly body: Buffer[] = [];
  private bodyBytes = 0;
  private keepAlive = false;
  private extra = false;

  private readonly opts: { headRequest?: boolean; maxBodyBytes?: number };

  // No parameter property: tests load this file with Node's type stripping, which has none.
  constructor(opts: { headRequest?: boolean; maxBodyBytes?: number } = {}) {
    this.opts = opts;
  }

  complete(): boolean {
    return this.state === 'done';
  }

  /** Whether the connection can carry another request. */
  get reusable(): boolean {
    return this.state === 'done' && this.keepAlive && this.framing.kind !== 'eof' && !this.extra;
  }

  /** Feed bytes; true once the response is complete. */
  push(data: Buffer): boolean {
    if (this.state === 'done') {
      if (data.length > 0) this.extra = true;
      return true;
    }
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    while (!this.complete() && (this.state === 'head' ? this.readHead() : this.readBody()));
    if (this.complete() && this.buffer.length > 0) this.extra = true;
    return this.complete();
  }

  /** The connection ended; true if that completes the response (a body framed by the end). */
  end(): boolean {
    if (this.state === 'body' && this.framing.kind === 'eof') {
      this.state = 'done';
      return true;
    }
    return this.state === 'done';
  }

  response(): HttpResponse {
    if (this.state !== 'done') throw new HttpProtocolError('the response is not complete');
    return { status: this.status, headers: this.headers, body: this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body) };
  }

  private readHead(): boolean {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.buffer.length > MAX_HEAD_BYTES) throw new HttpProtocolError(`the response head is larger than ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    if (end > MAX_HEAD_BYTES) throw new HttpProtocolError(`the response head is larger than ${MAX_HEAD_BYTES} bytes`);
    const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
    this.buffer = this.buffer.subarray(end + 4);
    const m = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\r\n]*)?$/.exec(lines[0]!);
    if (!m) throw new HttpProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const status = Number(m[2]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!TOKEN.test(name) || breaksLine(line)) throw new HttpProtocolError(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      const key = name.toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[key] = Object.hasOwn(headers, key) ? `${headers[key]}, ${value}` : value;
    }
    // 1xx answers come before the real one (101 would switch protocols, which was not asked for).
    if (status < 200) {
      if (status === 101) throw new HttpProtocolError('the server switched protocols unasked');
      return true;
    }
    this.status = status;
    this.headers = headers;
    const connection = (headers.connection ?? '').toLowerCase().split(',').map((t) => t.trim());
    this.keepAlive = m[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    const encoding = (headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') throw new HttpProtocolError(`the response is ${encoding}-encoded, which was not asked for`);
    this.framing = this.framingOf(status, headers);
    this.state = this.framing.kind === 'none' || (this.framing.kind === 'length' && this.framing.left === 0) ? 'done' : 'body';
    return true;
  }

  private framingOf(status: number, headers: Record<string, string>): Framing {
    if (this.opts.headRequest || status === 204 || status === 304) return { kind: 'none' };
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (te !== undefined) {
      // Both at once is how requests get smuggled; GitHub never sends it, so refuse it.
      if (cl !== undefined) throw new HttpProtocolError('the response has both Transfer-Encoding and Content-Length');
      if (te.toLowerCase() !== 'chunked') throw new HttpProtocolError(`unsupported Transfer-Encoding ${JSON.stringify(te)}`);
      return { kind: 'chunked' };
    }
    if (cl !== undefined) {
      const values = cl.split(',').map((v) => v.trim());
      if (!values.every((v) => /^\d{1,15}$/.test(v) && v === values[0])) throw new HttpProtocolError(`invalid Content-Length ${JSON.stringify(cl)}`);
      const left = Number(values[0]);
      this.reserve(left);
      return { kind: 'length', left };
    }
    return { kind: 'eof' };
  }

  private reserve(n: number): void {
    const max = this.opts.maxBodyBytes ?? Infinity;
    if (this.bodyBytes + n > max) throw new HttpProtocolError(`the response body is larger than ${max} bytes`);
  }

  private take(n: number): void {
    const part = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    this.body.push(part);
    this.bodyBytes += part.length;
  }

  /** Take what has arrived of the `left` bytes still due; how many are still due after. */
  private takeUpTo(left: number): number {
    const n = Math.min(left, this.buffer.length);
    this.take(n);
    return left - n;
  }

  private readBody(): boolean {
    const f = this.framing;
    if (f.kind === 'eof') {
      if (this.buffer.length === 0) return false;
      this.reserve(this.buffer.length);
      this.take(this.buffer.length);
      return false;
    }
    if (f.kind === 'length') {
      if (this.buffer.length === 0) return false;
      f.left = this.takeUpTo(f.left);
      if (f.left === 0) this.state = 'done';
      return f.left === 0;
    }
    return this.readChunked();
  }

  private readChunked(): boolean {
    switch (this.chunk) {
      case 'size': {
        const eol = this.line();
        if (eol === undefined) return false;
        const m = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(eol);
        if (!m) throw new HttpProtocolError(`malformed chunk size line: ${JSON.stringify(eol.slice(0, 80))}`);
        const size = parseInt(m[1]!, 16);
        this.reserve(size);
        this.chunkLeft = size;
        this.chunk = size === 0 ? 'trailer' : 'data';
        return true;
      }
      case 'data': {
        if (this.buffer.length === 0) return false;
        this.chunkLeft = this.takeUpTo(this.chunkLeft);
        if (this.chunkLeft === 0) this.chunk = 'data-end';
        return this.chunkLeft === 0;
      }
      case 'data-end': {
        if (this.buffer.length < 2) return false;
        if (this.buffer[0] !== 13 || this.buffer[1] !== 10) throw new HttpProtocolError('a chunk is longer than its size');
        this.buffer = this.buffer.subarray(2);
        this.chunk = 'size';
        return true;
      }
      case 'trailer': {
        const eol = this.line();
        if (eol === undefined) return false;
        if (eol === '') this.state = 'done';
        return true;
      }
    }
  }

  /** The next CRLF-terminated line, consumed; undefined until it is all there. */
  private line(): string | undefined {
    const eol = this.buffer.indexOf('\r\n');
    if (eol < 0) {
      if (this.buffer.length > MAX_CHUNK_LINE) throw new HttpProtocolError('a chunk size or trailer line is too long');
      return undefined;
    }
    if (eol > MAX_CHUNK_LINE) throw new HttpProtocolError('a chunk size or trailer line is too long');
    const text = this.buffer.toString('latin1', 0, eol);
    this.buffer = this.buffer.subarray(eol + 2);
    return text;
  }
}
