/**
 * Replays recorded real provider traffic (VCR cassettes in test/fixtures/recorded) from a local
 * HTTP server, so adapters are tested against what the providers really sent, byte for byte.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { parse } from 'yaml';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/recorded/', import.meta.url));

export interface RecordedInteraction {
  request: { method: string; uri: string; body: unknown };
  response: { status: number; headers: Record<string, string>; body: string | Uint8Array };
}

interface RawInteraction {
  request: { method: string; uri: string; parsed_body?: unknown; body?: unknown };
  response: {
    status: { code: number };
    headers?: Record<string, string[]>;
    body?: { string?: string | Uint8Array };
    parsed_body?: unknown;
  };
}

/** Loads a cassette by folder and file name, e.g. `loadCassette('test_openai', 'test_text_response')`. */
export function loadCassette(folder: string, name: string): RecordedInteraction[] {
  const text = readFileSync(`${FIXTURES_DIR}${folder}/${name}.yaml`, 'utf8');
  const doc = parse(text, { customTags: ['binary'] }) as { interactions: RawInteraction[] };
  return doc.interactions.map((raw) => {
    const headers: Record<string, string> = {};
    for (const [key, values] of Object.entries(raw.response.headers ?? {})) {
      const name = key.toLowerCase();
      // The recorded body is already decoded and its length may differ: let the server frame it anew.
      if (name === 'content-length' || name === 'transfer-encoding' || name === 'content-encoding') continue;
      headers[name] = values.join(', ');
    }
    const body =
      raw.response.parsed_body !== undefined
        ? JSON.stringify(raw.response.parsed_body)
        : (raw.response.body?.string ?? '');
    return {
      request: {
        method: raw.request.method,
        uri: raw.request.uri,
        body: raw.request.parsed_body ?? raw.request.body,
      },
      response: { status: raw.response.status.code, headers, body },
    };
  });
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface CassetteServer {
  /** Origin of the server, e.g. `http://127.0.0.1:41234`; append the provider's path prefix (`/v1`). */
  url: string;
  /** What the adapter sent, in order, bodies parsed as JSON. */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Serves the interactions in order, one per request, whatever the path (the test asserts the path from
 * `received`). A request beyond the recorded ones gets a 599 naming the cassette's length, so an adapter
 * that makes an unexpected extra call fails visibly.
 */
export async function serveCassette(interactions: RecordedInteraction[]): Promise<CassetteServer> {
  const received: ReceivedRequest[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const interaction = interactions[next++];
      if (!interaction) {
        res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`cassette has only ${interactions.length} interaction(s)`);
        return;
      }
      res.writeHead(interaction.response.status, interaction.response.headers);
      res.end(interaction.response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Serving for one test file: returns `serve(interactions)`, and closes every server it opened after each
 * test. Call it once, at the top of the file.
 *
 * @example
 * const serve = useCassetteServers();
 * test('...', async () => { const server = await serve(loadCassette('test_openai', 'test_valid_response')); });
 */
export function useCassetteServers(): (interactions: RecordedInteraction[]) => Promise<CassetteServer> {
  const open: CassetteServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (interactions) => {
    const server = await serveCassette(interactions);
    open.push(server);
    return server;
  };
}
