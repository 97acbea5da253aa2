// The HTTP session's transport (src/transports/http.ts): which POSTs it answers directly, which it
// leaves to the SDK's transport, and where each message the server sends goes.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionTransport } from '../../src/transports/http.js';

const HEADERS = { host: '127.0.0.1:9', accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-protocol-version': '2025-06-18' };
const request = (headers: Record<string, string> = {}) => ({ headers: { ...HEADERS, ...headers }, url: '/mcp' }) as unknown as IncomingMessage;
const response = () => new EventEmitter() as unknown as ServerResponse;
const call = (id: number | string, method = 'tools/call') => ({ jsonrpc: '2.0', id, method, params: { name: 'get_flag', arguments: { id: 1 } } });

describe('SessionTransport', () => {
  let sdk: WebStandardStreamableHTTPServerTransport;
  let transport: SessionTransport;
  let received: JSONRPCMessage[];
  beforeEach(async () => {
    sdk = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'session-1', enableJsonResponse: true });
    transport = new SessionTransport(sdk);
    received = [];
    transport.onmessage = (m) => received.push(m);
    await transport.start();
  });

  it('hands a tools/call to the server and resolves with the answer the server sends for its id', async () => {
    const sdkSend = vi.spyOn(sdk, 'send');
    const answer = transport.call(request(), response(), call(7));
    expect(answer).toBeInstanceOf(Promise);
    expect(received).toEqual([call(7)]);
    await transport.send({ jsonrpc: '2.0', id: 7, result: { content: [] } });
    expect(await answer).toEqual({ jsonrpc: '2.0', id: 7, result: { content: [] } });
    expect(sdkSend).not.toHaveBeenCalled();
  });

  it('answers an error response for its id the same way', async () => {
    const answer = transport.call(request(), response(), call('a'));
    await transport.send({ jsonrpc: '2.0', id: 'a', error: { code: -32602, message: 'bad params' } });
    expect(await answer).toEqual({ jsonrpc: '2.0', id: 'a', error: { code: -32602, message: 'bad params' } });
  });

  it('leaves to the SDK every POST that is not one JSON-RPC request from a client that accepts JSON', () => {
    const cases: [IncomingMessage, unknown][] = [
      [request(), [call(1)]], // a batch
      [request(), { jsonrpc: '2.0', method: 'notifications/initialized' }], // a notification
      [request(), { jsonrpc: '2.0', id: 1, result: {} }], // a response
      [request(), call(1, 'initialize')],
      [request(), { jsonrpc: '1.0', id: 1, method: 'tools/call' }], // not JSON-RPC 2.0
      [request(), { ...call(1), extra: true }], // the SDK's schema is strict
      [request(), 'tools/call'],
      [request(), null],
      [request({ accept: 'application/json' }), call(1)],
      [request({ accept: 'text/event-stream' }), call(1)],
      [request({ 'content-type': 'text/plain' }), call(1)],
      [request({ 'mcp-protocol-version': '1999-01-01' }), call(1)],
    ];
    for (const [req, body] of cases) expect(transport.call(req, response(), body)).toBeUndefined();
    expect(received).toEqual([]);
  });

  it('takes a request without a protocol version header (the SDK then assumes the negotiated one)', () => {
    const req = request();
    delete req.headers['mcp-protocol-version'];
    expect(transport.call(req, response(), call(1))).toBeInstanceOf(Promise);
  });

  it('refuses a second request with the id of one still in progress, instead of mixing up their answers', async () => {
    const first = transport.call(request(), response(), call(3));
    expect(await transport.call(request(), response(), call(3))).toMatchObject({ status: 409, message: expect.stringMatching(/request id 3 is already used by a call in progress/) });
    expect(received).toHaveLength(1);
    await transport.send({ jsonrpc: '2.0', id: 3, result: {} });
    expect(await first).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
    // Answered: the id is free again.
    expect(transport.call(request(), response(), call(3))).toBeInstanceOf(Promise);
  });

  it('drops the answer of a call whose client left, without passing it to the SDK', async () => {
    const sdkSend = vi.spyOn(sdk, 'send');
    const res = response();
    void transport.call(request(), res, call(4));
    (res as unknown as EventEmitter).emit('close');
    await transport.send({ jsonrpc: '2.0', id: 4, result: {} });
    expect(sdkSend).not.toHaveBeenCalled();
    // Once that answer came, the id is free again.
    expect(transport.call(request(), response(), call(4))).toBeInstanceOf(Promise);
  });

  it('drops messages tied to a direct call (a JSON answer has no stream for them) and sends the others through the SDK', async () => {
    const sdkSend = vi.spyOn(sdk, 'send').mockResolvedValue(undefined);
    void transport.call(request(), response(), call(5));
    const progress: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } };
    await transport.send(progress, { relatedRequestId: 5 });
    expect(sdkSend).not.toHaveBeenCalled();
    const updated: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'flags://queue/@a' } };
    await transport.send(updated);
    expect(sdkSend).toHaveBeenCalledWith(updated, undefined);
    const other: JSONRPCMessage = { jsonrpc: '2.0', id: 99, result: {} };
    await transport.send(other);
    expect(sdkSend).toHaveBeenCalledWith(other, undefined);
  });

  it('passes the SDK transport\'s session id and close through, and stops answering directly once closed', async () => {
    const closed = vi.fn();
    transport.onclose = closed;
    expect(transport.sessionId).toBeUndefined(); // set by the SDK at initialize
    await transport.close();
    expect(closed).toHaveBeenCalledOnce();
    expect(transport.call(request(), response(), call(1))).toBeUndefined();
  });
});
