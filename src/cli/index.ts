export { exitCodes } from './exitCodes.ts';
