/**
 * An upstream that records every request as it arrived (headers and the body's exact text) and answers
 * with a script: the pass-through tests compare what a client sent the gateway with what reached here,
 * and what this wrote with what the client got.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the upstream answers: a JSON body, or SSE text for a stream request. */
export interface UpstreamScript {
  json(request: Record<string, unknown>): string;
  sse(request: Record<string, unknown>): string;
}

export interface RecordingUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the answers from now on. */
  answer(script: UpstreamScript): void;
  close(): Promise<void>;
}

export async function startRecordingUpstream(script: UpstreamScript): Promise<RecordingUpstream> {
  let current = script;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const request = JSON.parse(body) as Record<string, unknown>;
      // Gemini streams by endpoint (`:streamGenerateContent`), the others by the body's flag.
      if (request.stream === true || (req.url ?? '').includes('streamGenerateContent')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(current.sse(request));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(current.json(request));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer(next) {
      current = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** SSE text of `[event, data]` frames, as Anthropic writes them. */
export function sseFrames(frames: Array<[event: string | undefined, data: unknown]>): string {
  return frames
    .map(
      ([event, data]) =>
        `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    )
    .join('');
}
