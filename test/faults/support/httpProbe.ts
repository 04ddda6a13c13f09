import http from 'node:http';

/** One HTTP answer as the poison checks need it: the status, and the problem's reason when a 4xx. */
export type Answer = { status: number; reason: string | undefined; body: string };

/** A problem document's reason: its detail, with the issues' messages when it has them. */
const reasonOf = (text: string): string | undefined => {
  try {
    const problem = JSON.parse(text) as { detail?: unknown; issues?: { message?: unknown }[] };
    if (typeof problem.detail !== 'string' || problem.detail === '') return undefined;
    const issues = (problem.issues ?? []).map((i) => String(i.message)).join('; ');
    return issues === '' ? problem.detail : `${problem.detail}: ${issues}`;
  } catch {
    return undefined;
  }
};

/**
 * One request with node:http rather than fetch: a server that answers a 413 before it has read
 * a 10 MB body and closes the connection makes fetch fail with EPIPE, while the answer did come.
 * Status 0 when no answer came at all.
 */
export const request = (
  url: string,
  init: { body?: string | Buffer; contentType?: string } = {},
): Promise<Answer> =>
  new Promise((resolve) => {
    let answered = false;
    const req = http.request(url, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: {
        ...(init.contentType === undefined ? {} : { 'content-type': init.contentType }),
        ...(init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) }),
      },
      timeout: 60_000,
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const done = () => {
        const status = res.statusCode ?? 0;
        resolve({ status, reason: status >= 400 ? reasonOf(text) : undefined, body: text.slice(0, 300) });
      };
      res.on('end', done);
      res.on('error', done);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => {
      // the answer may still be on its way after a write error (EPIPE): give it a moment
      setTimeout(() => {
        if (!answered) resolve({ status: 0, reason: undefined, body: `no answer: ${error.message}` });
      }, 1_000);
    });
    req.end(init.body);
  });
