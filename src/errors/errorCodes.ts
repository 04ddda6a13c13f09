/**
 * The closed list of Projectionist error codes. Every error the engine raises on purpose
 * carries one of these; the HTTP layer maps each to a status, the CLI to an exit code.
 * `retryable` says whether trying the same thing again can help; `refused` marks the refusals
 * of an unsafe operation, which the CLI answers with its `refused` exit status.
 */
export const errorCodes = {
  PRJ_CONFIG_INVALID: {
    status: 500,
    refused: false,
    retryable: false,
    summary: 'An environment variable has a bad value.',
  },
  PRJ_REGISTRY_MISSING: {
    status: 500,
    refused: false,
    retryable: false,
    summary:
      'The database has no Projectionist registry, or an outdated one: call migrateRegistry({ pool }) once at start-up.',
  },
  PRJ_KAFKA_UNAVAILABLE: {
    status: 503,
    refused: false,
    retryable: true,
    summary: 'The Kafka cluster did not answer.',
  },
  PRJ_TOPIC_MISCONFIGURED: {
    status: 500,
    refused: true,
    retryable: false,
    summary: 'A topic exists with a config that would lose history or break ordering.',
  },
  PRJ_LOG_TRUNCATED: {
    status: 409,
    refused: true,
    retryable: false,
    summary: 'The events topic has lost records (earliest offset above 0); a rebuild would be wrong.',
  },
  PRJ_ENVELOPE_MALFORMED: {
    status: 400,
    refused: false,
    retryable: false,
    summary: 'A record is not a readable envelope.',
  },
  PRJ_READER_STOPPED: {
    status: 500,
    refused: false,
    retryable: true,
    summary: 'A log reader was stopped while in use.',
  },
  PRJ_VALIDATION: {
    status: 400,
    refused: false,
    retryable: false,
    summary: 'The request does not match its schema.',
  },
  PRJ_NOT_FOUND: { status: 404, refused: true, retryable: false, summary: 'No such resource.' },
  PRJ_UNAUTHORIZED: {
    status: 401,
    refused: false,
    retryable: false,
    summary: 'A bearer token is missing or wrong.',
  },
  PRJ_PAYLOAD_TOO_LARGE: {
    status: 413,
    refused: false,
    retryable: false,
    summary: 'The request body is over the size limit.',
  },
  PRJ_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    refused: false,
    retryable: false,
    summary: 'The request body is not JSON.',
  },
  PRJ_PROJECTION_INVALID: {
    status: 500,
    refused: false,
    retryable: false,
    summary: 'A projection or reactor definition is malformed (names, columns, keys, handlers).',
  },
  PRJ_HANDLER_FAILED: {
    status: 500,
    refused: false,
    retryable: false,
    summary: 'A projection handler threw or wrote a bad row; the projection version stops.',
  },
  PRJ_LEASE_HELD: {
    status: 409,
    refused: false,
    retryable: true,
    summary: 'Another process holds the lease of this projection version.',
  },
  PRJ_LEASE_LOST: {
    status: 409,
    refused: false,
    retryable: true,
    summary: 'This process lost its lease (another took over); its writes were refused.',
  },
  PRJ_VERSION_STATE: {
    status: 409,
    refused: true,
    retryable: false,
    summary: 'The projection version is in a state that does not allow this (failed, retired, not built).',
  },
  PRJ_NOT_CAUGHT_UP: {
    status: 409,
    refused: true,
    retryable: true,
    summary: 'The projection version is not built, or behind the head of the log; it cannot take over yet.',
  },
  PRJ_CHECK_FAILED: {
    status: 409,
    refused: true,
    retryable: false,
    summary:
      'The projection version failed the checks its definition declares; the differences are in the details.',
  },
  PRJ_UNVERIFIED: {
    status: 409,
    refused: true,
    retryable: false,
    summary:
      'A cutover to a version that declares no checks over an active version; declare checks or pass unverified.',
  },
  PRJ_STALE_READ: {
    status: 409,
    refused: false,
    retryable: true,
    summary:
      'A read with a position token timed out before the read model passed it; the details say how far it is.',
  },
  PRJ_CUTOVER_BLOCKED: {
    status: 409,
    refused: true,
    retryable: true,
    summary: 'A cutover gave up waiting for its locks; the details name the sessions that held them.',
  },
  PRJ_STAGING_KEY_MISSING: {
    status: 500,
    refused: true,
    retryable: false,
    summary:
      'PROJECTIONIST_STAGING_KEY is missing or shorter than 32 characters; staging cannot pseudonymize.',
  },
  PRJ_STAGING_REFUSED: {
    status: 409,
    refused: true,
    retryable: false,
    summary: 'Staging refused to run: its policy does not fit the contracts, or its target is not safe.',
  },
  PRJ_ALREADY_RUNNING: {
    status: 409,
    refused: true,
    retryable: true,
    summary: 'The same job (a staging refresh) is already running in this process; wait for it to end.',
  },
  PRJ_CONTRACT_INVALID: {
    status: 500,
    refused: false,
    retryable: false,
    summary:
      'An event, command or aggregate contract is malformed (versions, upcasts, samples, PII tags, names).',
  },
  PRJ_WAITING_FOR_CODE: {
    status: 503,
    refused: false,
    retryable: true,
    summary: "An event is newer than this process's contracts; it waits for newer code.",
  },
  PRJ_INTERNAL: {
    status: 500,
    refused: false,
    retryable: true,
    summary: 'An unexpected fault; the log has the details.',
  },
} as const satisfies Record<
  `PRJ_${string}`,
  { status: number; refused: boolean; retryable: boolean; summary: string }
>;

export type ErrorCode = keyof typeof errorCodes;
