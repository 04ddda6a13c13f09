import type { Statement } from '../db/index.ts';
import { quoteIdentifier, versionSchemaName } from '../definitions/index.ts';

/** A version's schema dropped with every table and index in it (a reset, a retirement). */
export const dropSchemaStatement = (name: string, version: number): Statement => ({
  text: `drop schema if exists ${quoteIdentifier(versionSchemaName(name, version))} cascade`,
  values: [],
});
