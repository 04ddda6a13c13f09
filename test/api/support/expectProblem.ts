import { expect } from 'vitest';
import { errorCodes, type ErrorCode } from '../../../src/errors/index.ts';

/** What app.inject answers, as far as these checks need it. */
export type Answer = {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
};

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  issues?: { path: string; message: string; code?: string }[];
};

const describeAnswer = (answer: Answer): string =>
  `answered ${answer.statusCode} (${String(answer.headers['content-type'])}): ${answer.body.slice(0, 600)}`;

/**
 * Checks that an answer is a client error told as an RFC 9457 problem document: a 4xx (never
 * a 5xx), application/problem+json, type/title/status/detail/code, a code from the closed list
 * whose status is the answer's; and, when `issues` is asked for, a non-empty list of
 * { path, message }. Answers the problem.
 */
export const expectProblem = (
  answer: Answer,
  expected: { status?: number | readonly number[]; code?: ErrorCode; issues?: boolean } = {},
): ProblemBody => {
  const why = describeAnswer(answer);
  expect(answer.statusCode, why).toBeGreaterThanOrEqual(400);
  expect(answer.statusCode, why).toBeLessThan(500);
  if (expected.status !== undefined) expect([expected.status].flat(), why).toContain(answer.statusCode);
  expect(String(answer.headers['content-type']), why).toMatch(/^application\/problem\+json(;|$)/);
  const problem = JSON.parse(answer.body) as ProblemBody;
  expect(problem, why).toMatchObject({
    type: expect.stringMatching(/^https:\/\//),
    title: expect.stringMatching(/\S/),
    status: answer.statusCode,
    detail: expect.stringMatching(/\S/),
    code: expect.stringMatching(/^PRJ_/),
  });
  expect(Object.keys(errorCodes), why).toContain(problem.code);
  expect(errorCodes[problem.code].status, why).toBe(answer.statusCode);
  if (expected.code !== undefined) expect(problem.code, why).toBe(expected.code);
  if (expected.issues === true) {
    expect(problem.issues, why).toBeInstanceOf(Array);
    expect(problem.issues?.length, why).toBeGreaterThan(0);
    for (const issue of problem.issues ?? [])
      expect(issue, why).toMatchObject({ path: expect.any(String), message: expect.stringMatching(/\S/) });
  }
  return problem;
};
