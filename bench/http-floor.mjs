// The floor of section 10: a bare node:http server on loopback that reads a POST body, parses it
// and answers a fixed JSON of about the size of a tool result, with keep-alive as the coordinator
// sets it. What HTTP itself costs on this machine, without MCP, tokens or a store.
import { createServer } from 'node:http';

const answer = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'x'.repeat(700) }], structuredContent: { text: 'x'.repeat(700) } } });
const server = createServer({ keepAliveTimeout: 65_000 }, async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  JSON.parse(Buffer.concat(chunks).toString('utf8'));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
  res.end(answer);
});
server.listen(0, '127.0.0.1', () => process.stderr.write(`listening on http://127.0.0.1:${server.address().port}/mcp\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
