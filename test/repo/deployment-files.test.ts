// The files a lab deploys the App from: the manifest asks for what the App uses and makes its
// webhook URL impossible to miss; the compose file runs several replicas behind one address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/repo.js';

const read = (f: string) => parse(readFileSync(join(ROOT, f), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('app.yml', () => {
  const manifest = read('app.yml');

  it('marks the webhook URL as a placeholder to change', () => {
    expect(manifest.hook_attributes.url).toMatch(/^https:\/\/CHANGE-ME\.[^/]+\/api\/github\/webhooks$/);
    expect(readFileSync(join(ROOT, 'app.yml'), 'utf8')).toMatch(/# CHANGE ME: /);
  });

  it('subscribes to the events the App handles and asks only the permissions it uses', () => {
    const handled = new Set(
      [
        ...readFileSync(join(ROOT, 'bot/app.ts'), 'utf8').matchAll(
          /'(pull_request|issue_comment|check_run)\.[a-z_]+'/g,
        ),
      ].map((m) => m[1]),
    );
    expect(new Set(manifest.default_events)).toStrictEqual(handled);
    expect(manifest.default_permissions).toStrictEqual({
      checks: 'write',
      pull_requests: 'read',
      issues: 'write',
      contents: 'read',
      members: 'read',
      metadata: 'read',
    });
    expect(manifest.public).toBe(false);
  });
});

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml');

  it('runs several production replicas of the image behind one published address', () => {
    expect(compose.services.app.build).toBe('.');
    expect(compose.services.app.deploy.replicas).toBeGreaterThan(1);
    expect(compose.services.app.environment.NODE_ENV).toBe('production');
    expect(compose.services.app.ports).toBeUndefined();
    expect(compose.services.proxy.ports).toStrictEqual(['3000:80']);
    expect(compose.configs.nginx.content).toContain('server app:3000;');
  });
});
