import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { kafkaImage } from './harness/kafkaContainer.ts';

const read = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');

describe('the images', () => {
  it('runs one Kafka everywhere: compose, the Testcontainers path and scripts/services', async () => {
    const compose = await read('docker-compose.yml');
    expect([...compose.matchAll(/image: (apache\/kafka:\S+)/g)].map((m) => m[1])).toEqual([kafkaImage]);
    const pom = await read('scripts/kafka/pom.xml');
    const version = kafkaImage.split(':')[1] ?? '';
    expect(pom).toContain(`<kafka.version>${version}</kafka.version>`);
  });

  it('builds the app without development dependencies and runs it unprivileged, as compose does', async () => {
    const dockerfile = await read('Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:24-\S+ AS dependencies$/m);
    expect(dockerfile).toContain('npm ci --omit=dev --ignore-scripts');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/readyz/m);
    const compose = await read('docker-compose.yml');
    expect(compose).toMatch(/projectionist:\n\s+profiles: \[app\]\n\s+build: \./);
  });
});
