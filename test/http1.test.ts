// The HTTP/1.1 client the Action and the CLI talk to GitHub with (src/snapshot/http1.ts), and the
// REST client on top of it: framing read from any split of the bytes, strict refusal of what it
// cannot read, keep-alive reuse, certificates checked, and redirects kept to the API's origin.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, HttpProtocolError, ResponseParser } from '../src/snapshot/http1.js';
import { HttpError, restClient } from '../src/snapshot/rest.js';
import { ROOT } from './helpers/repo.js';

const TLS = join(ROOT, 'test/fixtures/tls');
const enc = (s: string) => Buffer.from(s, 'latin1');

/** Parse `bytes` pushed in the given pieces; the parser's verdict and what it read. */
function parse(bytes: Buffer, cuts: number[] = [], opts: { headRequest?: boolean; maxBodyBytes?: number; eof?: boolean } = {}) {
  const p = new ResponseParser(opts);
  let done = false;
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    done = p.push(bytes.subarray(at, cut));
    at = cut;
  }
  if (opts.eof) done = p.end();
  return { done, reusable: p.reusable, response: done ? p.response() : undefined };
}

function chunked(body: Buffer, sizes: number[], ext = ''): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= body.length) break;
    const piece = body.subarray(at, at + Math.max(1, n));
    parts.push(enc(`${piece.length.toString(16)}${ext}\r\n`), piece, enc('\r\n'));
    at += piece.length;
  }
  if (at < body.length) parts.push(enc(`${(body.length - at).toString(16)}\r\n`), body.subarray(at), enc('\r\n'));
  parts.push(enc('0\r\nx-trailer: t\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('ResponseParser', () => {
  const ok = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}';

  it('reads a Content-Length response split at every byte', () => {
    const bytes = enc(ok);
    for (let i = 0; i <= bytes.length; i++) {
      const r = parse(bytes, [i]);
      expect(r.done).toBe(true);
      expect(r.reusable).toBe(true);
      expect(r.response!.status).toBe(200);
      expect(r.response!.headers['content-type']).toBe('application/json');
      expect(r.response!.body.toString()).toBe('{"a":1}');
    }
  });

  it('is not done before the last byte', () => {
    expect(parse(enc(ok.slice(0, -1))).done).toBe(false);
    expect(parse(enc('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r')).done).toBe(false);
  });

  it('reads chunked bodies with extensions and trailers, in any split (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 8 }), fc.array(fc.nat(2000), { maxLength: 6 }), fc.boolean(), (body, sizes, cuts, ext) => {
        const bytes = Buffer.concat([enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), chunked(Buffer.from(body), sizes, ext ? ';name=value' : '')]);
        const r = parse(bytes, cuts);
        expect(r.done).toBe(true);
        expect(r.reusable).toBe(true);
        expect(Buffer.compare(r.response!.body, Buffer.from(body))).toBe(0);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });

  it('reads a body that ends with the connection; such a connection is not reused', () => {
    const r = parse(enc('HTTP/1.1 200 OK\r\n\r\nuntil the end'), [20], { eof: true });
    expect(r.response!.body.toString()).toBe('until the end');
    expect(r.reusable).toBe(false);
  });

  it('skips 1xx answers; no body for HEAD, 204 and 304', () => {
    expect(parse(enc(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nx: y\r\n\r\n${ok}`), [5, 30]).response!.body.toString()).toBe('{"a":1}');
    expect(parse(enc('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n'), [], { headRequest: true }).done).toBe(true);
    expect(parse(enc('HTTP/1.1 204 No Content\r\n\r\n')).response!.body.length).toBe(0);
    expect(parse(enc('HTTP/1.1 304 Not Modified\r\n\r\n')).done).toBe(true);
  });

  it('joins repeated fields and knows when the connection may be reused', () => {
    const r = parse(enc('HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\ncontent-length: 0\r\n\r\n'));
    expect(r.response!.headers['x-a']).toBe('1, 2');
    expect(parse(enc('HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 0\r\n\r\n')).reusable).toBe(false);
    expect(parse(enc('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n')).reusable).toBe(false);
    expect(parse(enc('HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n')).reusable).toBe(true);
    // Bytes after the response put the connection out of step.
    expect(parse(enc(`${ok}HTTP/1.1`)).reusable).toBe(false);
  });

  it.each([
    ['a status line that is not HTTP/1.x', 'HTTP/2 200\r\n\r\n', /not an HTTP\/1.x status line/],
    ['a status that is not three digits', 'HTTP/1.1 20 OK\r\n\r\n', /status line/],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nx-a: 1\r\n  more\r\n\r\n', /malformed header line/],
    ['a header line without a name', 'HTTP/1.1 200 OK\r\n: v\r\n\r\n', /malformed header line/],
    ['a bare LF inside the head', 'HTTP/1.1 200 OK\r\nx-a: 1\nx-b: 2\r\n\r\n', /malformed header line/],
    ['Transfer-Encoding and Content-Length together', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n', /both Transfer-Encoding and Content-Length/],
    ['a transfer coding other than chunked', 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n', /unsupported Transfer-Encoding/],
    ['a content coding it did not ask for', 'HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: 1\r\n\r\nx', /gzip-encoded/],
    ['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\ncontent-length: 1e3\r\n\r\n', /invalid Content-Length/],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n', /invalid Content-Length/],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', /malformed chunk size line/],
    ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', /longer than its size/],
    ['an upgrade nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', /switched protocols/],
  ])('refuses %s', (_, text, message) => {
    expect(() => parse(enc(text))).toThrow(HttpProtocolError);
    expect(() => parse(enc(text))).toThrow(message);
  });

  it('refuses a head or a body past its limits', () => {
    expect(() => parse(enc(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`))).toThrow(/head is larger/);
    expect(() => parse(enc('HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n'), [], { maxBodyBytes: 10 })).toThrow(/body is larger than 10 bytes/);
    expect(() => parse(enc('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\naaaaaa\r\n6\r\n'), [], { maxBodyBytes: 10 })).toThrow(/body is larger/);
    expect(() => parse(enc(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${'0'.repeat(2000)}`))).toThrow(/too long/);
  });

  it('an incomplete response is not a response', () => {
    const p = new ResponseParser();
    p.push(enc('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab'));
    expect(p.end()).toBe(false);
    expect(() => p.response()).toThrow(/not complete/);
  });
});

/** A raw TCP server whose handler sees each connection's bytes. */
async function rawServer(onConnection: (socket: Socket, index: number) => void): Promise<{ server: Server; url: string; connections: () => number }> {
  let n = 0;
  const server = createNetServer((s) => onConnection(s, n++));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => n };
}

async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: HttpServer; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createHttpServer(handler);
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (d) => (s += d));
    req.on('end', () => resolve(s));
  });

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

describe('HttpClient over loopback', () => {
  it('sends the request as written, reuses the connection, and delivers a body', async () => {
    const seen: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];
    const { server, url, sockets } = await httpServer(async (req, res) => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: await readBody(req) });
      res.setHeader('content-type', 'application/json');
      // Node chooses chunked for a written-then-ended body with no length.
      res.write('{"n":');
      res.end(`${seen.length}}`);
    });
    const client = new HttpClient();
    cleanup.push(() => (client.close(), server.close()));
    const a = await client.request(new URL(`${url}/a?x=1`), 'GET', { authorization: 'Bearer t' });
    const b = await client.request(new URL(`${url}/b`), 'POST', { 'content-type': 'application/json' }, '{"é":1}');
    expect(JSON.parse(a.body.toString())).toEqual({ n: 1 });
    expect(JSON.parse(b.body.toString())).toEqual({ n: 2 });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /a?x=1', 'POST /b']);
    expect(seen[0]!.headers.authorization).toBe('Bearer t');
    expect(seen[0]!.headers.host).toBe(new URL(url).host);
    expect(seen[0]!.headers['accept-encoding']).toBe('identity');
    expect(seen[1]!.body).toBe('{"é":1}');
    expect(seen[1]!.headers['content-length']).toBe(String(Buffer.byteLength('{"é":1}')));
    expect(sockets.size).toBe(1);
  });

  it('retries a GET on a fresh connection when the kept one was closed, but never a POST', async () => {
    const { server, url, connections } = await rawServer((s, i) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        // The first connection is closed by the server right after its answer, as an idle
        // keep-alive connection may be at any time.
        if (i === 0) setTimeout(() => s.destroy(), 20);
      });
    });
    const client = new HttpClient();
    cleanup.push(() => (client.close(), server.close()));
    await client.request(new URL(`${url}/1`), 'GET', {});
    await new Promise((r) => setTimeout(r, 60));
    expect((await client.request(new URL(`${url}/2`), 'GET', {})).body.toString()).toBe('ok');
    expect(connections()).toBe(2);
  });

  it('a POST on a connection that dies is an error, not a silent resend', async () => {
    // Each connection answers its first request and drops the next one unanswered.
    const { server, url, connections } = await rawServer((s) => {
      let n = 0;
      s.on('data', () => (n++ === 0 ? s.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n') : s.destroy()));
    });
    const client = new HttpClient();
    cleanup.push(() => (client.close(), server.close()));
    await client.request(new URL(`${url}/1`), 'GET', {});
    await expect(client.request(new URL(`${url}/2`), 'POST', {}, 'x')).rejects.toThrow(/closed before any answer/);
    expect(connections()).toBe(1);
    // The same loss on a GET is retried on a new connection.
    await client.request(new URL(`${url}/3`), 'GET', {});
    expect((await client.request(new URL(`${url}/4`), 'GET', {})).status).toBe(200);
    expect(connections()).toBe(3);
  });

  it('fails on a body cut short, garbage, or silence; never returns half an answer', async () => {
    const { server, url } = await rawServer((s) => {
      s.once('data', (d) => {
        const path = d.toString().split(' ')[1];
        if (path === '/short') s.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc');
        else if (path === '/garbage') s.end('SSH-2.0-OpenSSH\r\n\r\n');
        else if (path === '/chunks') s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab');
        // /silent: never answers
      });
    });
    const client = new HttpClient({ timeoutMs: 200 });
    cleanup.push(() => (client.close(), server.close()));
    await expect(client.request(new URL(`${url}/short`), 'GET', {})).rejects.toThrow(/closed before the response was complete/);
    await expect(client.request(new URL(`${url}/garbage`), 'GET', {})).rejects.toThrow(/not an HTTP\/1.x status line/);
    await expect(client.request(new URL(`${url}/chunks`), 'GET', {})).rejects.toThrow(/closed before the response was complete/);
    await expect(client.request(new URL(`${url}/silent`), 'GET', {})).rejects.toThrow(/no answer within 0.2 s/);
  });

  it('refuses a header value with a line break before sending anything', async () => {
    const { server, url, connections } = await rawServer(() => {});
    const client = new HttpClient();
    cleanup.push(() => (client.close(), server.close()));
    await expect(client.request(new URL(url), 'GET', { authorization: 'Bearer t\r\nx-evil: 1' })).rejects.toThrow(/line break/);
    await expect(client.request(new URL(url), 'GET', { 'content-length': '5' })).rejects.toThrow(/cannot be set here/);
    await expect(client.request(new URL('ftp://example.com/'), 'GET', {})).rejects.toThrow(/unsupported protocol/);
    expect(connections()).toBe(0);
  });

  it('a kept connection does not keep the process alive', () => {
    // A child process makes one request to a server that never hangs up; it must exit on its own.
    const child = `
      const { HttpClient } = await import(${JSON.stringify(join(ROOT, 'src/snapshot/http1.ts'))});
      const net = await import('node:net');
      // The server's own side of the connection must not hold the process either.
      const server = net.createServer((s) => (s.unref(), s.on('data', () => s.write('HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\nok'))));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      server.unref();
      const r = await new HttpClient().request(new URL('http://127.0.0.1:' + server.address().port + '/'), 'GET', {});
      console.log(r.status, r.body.toString());`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', timeout: 10_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('200 ok');
    expect(r.status).toBe(0);
  });
});

describe('HttpClient over TLS', () => {
  // The server runs in a child process: the client in this one must see a real handshake.
  const key = readFileSync(join(TLS, 'localhost.key'));
  const cert = readFileSync(join(TLS, 'localhost.crt'));

  it('refuses a certificate it does not trust, and talks once it is trusted (NODE_EXTRA_CA_CERTS)', async () => {
    const server = createHttpsServer({ key, cert }, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"tls":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const client = new HttpClient();
    cleanup.push(() => client.close());
    await expect(client.request(new URL(`https://localhost:${port}/`), 'GET', {})).rejects.toThrow(/self-signed certificate/);
    // Trust comes only from the process's CA store, read at start: ask a new process.
    const child = `
      const { HttpClient } = await import(${JSON.stringify(join(ROOT, 'src/snapshot/http1.ts'))});
      const c = new HttpClient();
      for (const host of ['localhost', '127.0.0.1']) {
        const r = await c.request(new URL('https://' + host + ':${port}/'), 'GET', {});
        console.log(host, r.status, r.body.toString());
      }
      c.close();`;
    const { spawn } = await import('node:child_process');
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, ['--input-type=module', '-e', child], { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: join(TLS, 'localhost.crt') } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim().split('\n')).toEqual(['localhost 200 {"tls":true}', '127.0.0.1 200 {"tls":true}']);
  });
});

describe('REST client', () => {
  it('follows a redirect within the API origin, refuses one that leaves it, and never reads a bad success', async () => {
    const other = await httpServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ leaked: req.headers.authorization ?? null }));
    });
    const seen: string[] = [];
    const api = await httpServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.setHeader('content-type', 'application/json; charset=utf-8');
      if (req.url!.startsWith('/repos/old/name/')) {
        res.writeHead(301, { location: req.url!.replace('/repos/old/name/', '/repositories/42/') }).end('{"message":"Moved Permanently"}');
      } else if (req.url!.startsWith('/repos/away/')) {
        res.writeHead(302, { location: `${other.url}/steal` }).end();
      } else if (req.url!.startsWith('/repos/bad/')) {
        res.end('{"truncated": ');
      } else {
        res.end(JSON.stringify({ path: req.url }));
      }
    });
    cleanup.push(() => (other.server.close(), api.server.close()));
    const rest = restClient({ baseUrl: api.url, token: 't' });
    const moved = await rest.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: 'old', repo: 'name', path: 'a/b.yml', ref: 'x' });
    expect(moved.data).toEqual({ path: '/repositories/42/contents/a/b.yml?ref=x' });
    expect(seen).toEqual(['GET /repos/old/name/contents/a/b.yml?ref=x Bearer t', 'GET /repositories/42/contents/a/b.yml?ref=x Bearer t']);
    const away = rest.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: 'away', repo: 'r', path: 'x' });
    await expect(away).rejects.toThrow(HttpError);
    await expect(away).rejects.toThrow(/302 redirected to http:\/\/127\.0\.0\.1:\d+; not followed/);
    await expect(rest.request('GET /repos/{owner}/{repo}', { owner: 'bad', repo: 'r' })).rejects.toThrow(/not valid JSON/);
  });
});
