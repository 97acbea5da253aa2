// The stdio transport: one JSON-RPC message per line on stdin, answers on stdout.
//
// It replaces the SDK's StdioServerTransport, which on a line over its 10 MiB buffer stops reading
// for good (the process answers nothing more and never sees the end of its input). Here:
// - a message longer than MAX_MESSAGE_BYTES is skipped to its newline without being held in
//   memory, and answered with a JSON-RPC error that states the limit (with the request's id when
//   it can be read off the line's first or last bytes); reading goes on;
// - a line that is not JSON, or not a JSON-RPC message, is answered with -32700 or -32600;
// - a request other than ping before initialize is refused, as the MCP lifecycle requires
//   (initialization is the first interaction);
// - at the end of stdin, the requests in flight are answered before the transport closes.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * The largest message accepted on stdin, in bytes of UTF-8 without the newline: 16 MiB. The
 * largest argument any tool takes (convert_schema's ddl, 2,000,000 characters) is at most
 * 12,000,000 bytes on the wire even when every character is escaped as \uXXXX, so every call
 * the tools accept fits.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** How long the end of stdin waits for requests in flight to be answered. */
const DRAIN_MS = 30_000;

/** Bytes of an oversized line kept (at each end) to find its id. */
const EDGE = 512;

const NEWLINE = 0x0a;

export interface StdioLineTransportOptions {
  maxMessageBytes?: number;
  /** How long close-at-end-of-input waits for answers still owed (ms). */
  drainMs?: number;
}

/** A JSON-RPC id at the very start (`{"jsonrpc":"2.0","id":7`) or very end (`"id":7}`) of a message. */
function idAtEdges(head: string, tail: string): RequestId | null {
  const value = String.raw`(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")`;
  const m =
    new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${value}\s*[,}]`).exec(head) ??
    new RegExp(String.raw`[{,]\s*"id"\s*:\s*${value}\s*\}\s*$`).exec(tail);
  if (!m) return null;
  try {
    const id: unknown = JSON.parse(m[1]!);
    return typeof id === 'number' || typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

export class StdioLineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly maxBytes: number;
  private readonly drainMs: number;
  private parts: Buffer[] = [];
  private size = 0;
  /** Set while skipping the rest of an oversized line: its first bytes, last bytes and length. */
  private oversized: { head: Buffer; tail: Buffer; bytes: number } | null = null;
  private initialized = false;
  /** initialize requests not yet answered: a failed one undoes `initialized`. */
  private readonly initializeIds = new Set<RequestId>();
  /** Requests handed to the server and not yet answered. */
  private readonly owed = new Set<RequestId>();
  private drained: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    options: StdioLineTransportOptions = {},
  ) {
    this.maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.drainMs = options.drainMs ?? DRAIN_MS;
  }

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('error', this.onStreamError);
    // A reader that went away (EPIPE) is the end of the session, not a crash.
    this.stdout.on('error', this.onStreamError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    const text = `${JSON.stringify(message)}\n`;
    await new Promise<void>((resolve) => {
      if (this.stdout.write(text)) resolve();
      else this.stdout.once('drain', resolve);
    });
    if (('result' in message || 'error' in message) && 'id' in message) {
      // A refused initialize closes again what its arrival opened.
      if ('error' in message && this.initializeIds.has(message.id as RequestId)) this.initialized = false;
      this.initializeIds.delete(message.id as RequestId);
      // Only once the answer is written may the end of input close the transport.
      this.settle(message.id as RequestId);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.removeListener('data', this.onData);
    this.stdin.removeListener('end', this.onEnd);
    this.stdin.removeListener('error', this.onStreamError);
    this.parts = [];
    this.oversized = null;
    this.onclose?.();
  }

  /** Resolves once every request handed to the server has its answer (or after `ms`). */
  whenAnswered(ms = this.drainMs): Promise<void> {
    if (this.owed.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.drained = done;
    });
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let from = 0;
    while (from < buf.length) {
      const nl = buf.indexOf(NEWLINE, from);
      this.take(buf.subarray(from, nl === -1 ? buf.length : nl));
      if (nl === -1) break;
      this.endLine();
      from = nl + 1;
    }
  };

  private readonly onEnd = (): void => {
    // A last message without its newline is still a message.
    if (this.size > 0 || this.oversized) this.endLine();
    void this.whenAnswered().then(() => this.close());
  };

  private readonly onStreamError = (err: Error): void => {
    this.onerror?.(err);
    void this.close();
  };

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (!this.oversized && this.size + piece.length > this.maxBytes) {
      const start = Buffer.concat([...this.parts, piece.subarray(0, EDGE)]);
      this.oversized = { head: start.subarray(0, EDGE), tail: Buffer.alloc(0), bytes: this.size };
      this.parts = [];
      this.size = 0;
    }
    if (this.oversized) {
      this.oversized.bytes += piece.length;
      const tail = Buffer.concat([this.oversized.tail, piece.subarray(Math.max(0, piece.length - EDGE))]);
      this.oversized.tail = tail.subarray(Math.max(0, tail.length - EDGE));
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private endLine(): void {
    const big = this.oversized;
    const line = big ? '' : Buffer.concat(this.parts, this.size).toString('utf8');
    this.parts = [];
    this.size = 0;
    this.oversized = null;
    if (big) {
      const id = idAtEdges(big.head.toString('utf8'), big.tail.toString('utf8'));
      this.answerError(id, -32600, `Invalid Request: the message is ${big.bytes} bytes; at most ${this.maxBytes} bytes (${this.maxBytes / 1048576} MiB) are accepted on one line. Send a smaller message; the server read on`, {
        limit_bytes: this.maxBytes,
        message_bytes: big.bytes,
      });
      return;
    }
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') return;
    this.handle(text);
  }

  private handle(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.answerError(null, -32700, `Parse error: a line on stdin is not JSON (${(err as Error).message.slice(0, 200)}); send one JSON-RPC message per line`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      const id = (value as { id?: unknown } | null)?.id;
      this.answerError(typeof id === 'number' || typeof id === 'string' ? id : null, -32600, 'Invalid Request: a line on stdin is JSON but not a JSON-RPC 2.0 request, notification or response');
      return;
    }
    const message = parsed.data;
    if ('method' in message && 'id' in message) {
      if (!this.initialized && message.method !== 'initialize' && message.method !== 'ping') {
        this.answerError(message.id, -32600, `Invalid Request: "${message.method.slice(0, 100)}" before initialize; the MCP lifecycle starts with an initialize request (only ping may come before it)`);
        return;
      }
      // Requests written right behind initialize (before its answer) are served, as clients that
      // pipeline expect; an initialize that fails takes that back (see send).
      if (message.method === 'initialize') {
        this.initialized = true;
        this.initializeIds.add(message.id);
      }
      this.owed.add(message.id);
    } else if ('method' in message && message.method === 'notifications/cancelled') {
      // A cancelled request gets no answer (the spec says so): nothing is owed for it any more.
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof id === 'string' || typeof id === 'number') this.settle(id);
    }
    try {
      this.onmessage?.(message);
    } catch (err) {
      this.onerror?.(err as Error);
    }
  }

  private settle(id: RequestId): void {
    this.owed.delete(id);
    if (this.owed.size === 0 && this.drained) {
      const done = this.drained;
      this.drained = null;
      done();
    }
  }

  private answerError(id: RequestId | null, code: number, message: string, data?: Record<string, unknown>): void {
    // JSON-RPC 2.0 answers with id null when the id cannot be read; the SDK's message type has no room for it.
    const error = data ? { code, message, data } : { code, message };
    void this.send({ jsonrpc: '2.0', id, error } as unknown as JSONRPCMessage);
  }
}
