import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { CLI, EMPTY_HOME } from './spawn.js';
import { rawRequest, type RawResponse } from './http.js';

export interface BoardProcess {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** Starts the built `coordinator ui` on a free port; resolves once it prints its URL. */
export async function startBoard(db: string, args: string[] = []): Promise<BoardProcess> {
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--db', db, '--person', 'tester', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 15 s; stdout: ${stdout} stderr: ${stderr}`)), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`coordinator ui exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url, port: Number(parsed.port), token: parsed.searchParams.get('token')!, child, stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A browser's session on the board, by hand: the cookie from the token visit, then requests with it. */
export class BoardSession {
  cookie = '';
  constructor(readonly port: number) {}

  get host() {
    return `127.0.0.1:${this.port}`;
  }

  async login(token: string): Promise<RawResponse> {
    const r = await rawRequest(this.port, { method: 'GET', path: `/?token=${encodeURIComponent(token)}` });
    const set = r.headers['set-cookie'];
    this.cookie = (Array.isArray(set) ? set[0]! : String(set ?? '')).split(';')[0]!;
    return r;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return rawRequest(this.port, { method: 'GET', path, headers: { cookie: this.cookie, ...headers } });
  }

  /** A form POST as a browser sends it from the board's own page (unless headers say otherwise). */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return rawRequest(this.port, {
      method: 'POST', path, body: new URLSearchParams(form).toString(),
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: `http://${this.host}`, 'sec-fetch-site': 'same-origin', ...headers },
    });
  }

  /** The form token of a page. */
  static csrf(page: string): string {
    return /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  }

  /** Opens /events and collects the names of the events it sends; close() ends it. */
  events(): { names: string[]; close: () => void; opened: Promise<number> } {
    const names: string[] = [];
    let resolveOpen!: (status: number) => void;
    const opened = new Promise<number>((r) => { resolveOpen = r; });
    const req = request({ host: '127.0.0.1', port: this.port, path: '/events', headers: { cookie: this.cookie, accept: 'text/event-stream' } }, (res) => {
      resolveOpen(res.statusCode ?? 0);
      let buffer = '';
      res.on('data', (c: Buffer) => {
        buffer += c.toString();
        for (const m of buffer.matchAll(/^event: (\S+)$/gm)) names.push(m[1]!);
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      });
    });
    req.on('error', () => undefined);
    req.end();
    return { names, close: () => req.destroy(), opened };
  }
}
