import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { loadReactors } from '../../src/reactors/index.ts';

/** A reactor file as a user writes it, importing the public API from this folder's copy. */
const reactorFile = (
  name: string,
  eventType: string,
) => `import { defineReactor } from '../../../src/index.ts';
export const reactor = defineReactor({ name: '${name}', handlers: { ${eventType}: () => undefined } });
`;

describe('loadReactors', () => {
  let folder: string;
  beforeEach(async () => {
    // Beside this file, so that the files' relative imports resolve as a deployment's do.
    folder = await mkdtemp(join(import.meta.dirname, '.deploy-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('deploys every <name>.ts dropped into the folder, with no index to edit', async () => {
    await writeFile(join(folder, 'index.ts'), 'export {};\n');
    await writeFile(join(folder, 'welcome-mail.ts'), reactorFile('welcome-mail', 'CustomerRegistered'));
    expect(await loadReactors({ folder, contracts: contractRegistry })).toHaveLength(1);
    await writeFile(join(folder, 'receipts.ts'), reactorFile('receipts', 'PaymentReceived'));
    const found = await loadReactors({ folder, contracts: contractRegistry });
    expect(found.map((r) => r.name)).toEqual(['receipts', 'welcome-mail']);
  });

  it('refuses a misspelt event type and a name its file does not carry, naming both', async () => {
    await writeFile(join(folder, 'receipts.ts'), reactorFile('receipts', 'PaymentRecieved'));
    await writeFile(join(folder, 'mailer.ts'), reactorFile('welcome-mail', 'CustomerRegistered'));
    const error = await loadReactors({ folder, contracts: contractRegistry }).catch((e: unknown) => e);
    expect(isProjectionistError(error) && error.code).toBe('PRJ_PROJECTION_INVALID');
    const message = (error as Error).message;
    expect(message).toContain(
      'receipts.ts reacts to PaymentRecieved, which is not a registered event type (did you mean PaymentReceived?)',
    );
    expect(message).toContain('mailer.ts defines welcome-mail; its file says mailer');
  });

  it('finds none in the deployed reactors folder until a file is added', async () => {
    const deployed = await loadReactors({
      folder: join(import.meta.dirname, '../../reactors'),
      contracts: contractRegistry,
    });
    expect(deployed.map((r) => r.name)).toEqual([]);
  });
});
