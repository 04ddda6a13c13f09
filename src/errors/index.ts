export { errorCodes, type ErrorCode } from './errorCodes.ts';
export { ProjectionistError, isProjectionistError } from './ProjectionistError.ts';
