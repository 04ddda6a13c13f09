// Testing: what a user's tests need to run a projection against a real PostgreSQL.
export { projectionTestKit, ProjectionTestKit, type TestEvent } from './projectionTestKit.ts';
export { freshDatabase, type FreshDatabase, type FreshDatabaseOptions } from './freshDatabase.ts';
export { sampleOf, sampleOfVersion } from './sampleOf.ts';
