import { afterAll } from 'vitest';
import { dropTestDatabases } from './testServices.ts';

// A setup file: runs in every integration test file, after all of its tests.
afterAll(dropTestDatabases);
