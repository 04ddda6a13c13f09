import type { FastifyInstance } from 'fastify';

/** Most of an oversized body read and thrown away before the 413 goes out; past it the connection closes. */
const drainBytes = 64 * 1024 * 1024;
const drainMs = 10_000;

/**
 * A body announced larger than the limit is answered 413, but only once the client has finished
 * sending it (read and discarded, up to 64 MiB or 10 s): a client still writing when the server
 * answers and closes gets EPIPE instead of the answer, which looks like no answer at all.
 */
export const drainOversizedBodies = (app: FastifyInstance, bodyLimit: number): void => {
  app.addHook('onRequest', async (request) => {
    const length = Number(request.headers['content-length']);
    if (!Number.isFinite(length) || length <= bodyLimit || length > drainBytes) return;
    const raw = request.raw;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, drainMs);
      function done() {
        clearTimeout(timer);
        raw.off('end', done).off('error', done).off('close', done);
        resolve();
      }
      raw.on('end', done).on('error', done).on('close', done);
      raw.resume();
    });
  });
};
