/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely in tests */
import {
  ADMIN_TOKEN,
  EventApplier,
  request,
  startAdmin,
  waitFor,
  type AdminHarness,
  type Answer,
} from './admin-harness';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const now = Date.now();

const english = {
  name: 'English speakers',
  match: 'all',
  criteria: [{ type: 'device_language', operator: 'contains', languages: ['EN'] }],
};

let harness: AdminHarness;
let appId: string;
let otherAppId: string;

function call(method: string, url: string, body?: unknown, headers?: Record<string, string>) {
  return request(harness, method, url, body, headers);
}

function json(response: Answer): any {
  return JSON.parse(response.body);
}

async function createSegment(definition: object, app = appId): Promise<any> {
  const response = await call('POST', `/v1/apps/${app}/segments`, definition);
  expect(response.statusCode).toBe(201);
  return json(response);
}

async function waitReady(segmentId: string, app = appId): Promise<any> {
  let segment: any;
  await waitFor(
    async () => {
      segment = json(await call('GET', `/v1/apps/${app}/segments/${segmentId}`));
      return segment.status === 'ready';
    },
    30_000,
    'segment ready',
  );
  return segment;
}

beforeAll(async () => {
  harness = await startAdmin('api');
  appId = json(await call('POST', '/v1/apps', { name: 'Shop' })).id;
  otherAppId = json(await call('POST', '/v1/apps', { name: 'Other' })).id;

  // Users u-0..u-9: even ones speak English; all had a session yesterday.
  const applier = new EventApplier(harness, appId);
  const events = Array.from({ length: 10 }, (_, index) => ({
    type: 'app_session' as const,
    userId: `u-${index}`,
    eventId: `e-${index}`,
    timestamp: now - DAY,
    language: index % 2 === 0 ? 'en-GB' : 'fr',
  }));
  await applier.apply(events, now);
});

afterAll(async () => {
  await harness.close();
});

describe('authentication', () => {
  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-0123456789' }],
    ['a token of another scheme', { authorization: `Basic ${ADMIN_TOKEN}` }],
  ])('answers 401 with %s and changes nothing', async (_label, headers) => {
    const before = json(await call('GET', '/v1/apps')).apps.length;

    const created = await call('POST', '/v1/apps', { name: 'Sneaky' }, headers);
    const listed = await call('GET', '/v1/apps', undefined, headers);
    const segment = await call('POST', `/v1/apps/${appId}/segments`, english, headers);

    for (const response of [created, listed, segment]) {
      expect(response.statusCode).toBe(401);
      expect(json(response).error).toBe('unauthorized');
    }
    expect(json(await call('GET', '/v1/apps')).apps.length).toBe(before);
  });

  it('leaves health, docs and the dashboard open', async () => {
    expect((await call('GET', '/healthz', undefined, {})).statusCode).toBe(200);
    expect((await call('GET', '/metrics', undefined, {})).body).toContain('admin_http_requests');
    const docs = json(await call('GET', '/docs/json', undefined, {}));
    expect(Object.keys(docs.paths)).toContain('/v1/apps/{appId}/segments');
    expect((await call('GET', '/', undefined, {})).headers.get('content-type')).toContain(
      'text/html',
    );
  });
});

describe('apps', () => {
  it('creates an app with a write key and lists apps without one', async () => {
    const response = await call('POST', '/v1/apps', { name: 'Blog' });

    expect(response.statusCode).toBe(201);
    const created = json(response);
    expect(created).toEqual({
      id: expect.any(String),
      name: 'Blog',
      writeKey: expect.any(String),
      createdAt: expect.any(String),
    });
    const listed = json(await call('GET', '/v1/apps')).apps;
    expect(listed).toContainEqual({ id: created.id, name: 'Blog', createdAt: created.createdAt });
    expect(JSON.stringify(listed)).not.toContain(created.writeKey);
  });

  it('refuses an app without a name', async () => {
    const response = await call('POST', '/v1/apps', { title: 'x' });
    expect(response.statusCode).toBe(400);
    expect(json(response).error).toBe('invalid_request');
  });
});

describe('segment definitions', () => {
  it('creates, reads, lists, edits and deletes a segment', async () => {
    const created = await createSegment({ ...english, name: 'Crud' });
    expect(created).toMatchObject({ name: 'Crud', version: 1, status: 'building', memberCount: 0 });

    const ready = await waitReady(created.id);
    expect(ready).toMatchObject({ status: 'ready', progress: 100, memberCount: 5 });
    const list = json(await call('GET', `/v1/apps/${appId}/segments`)).segments;
    expect(list.map((segment: any) => segment.id)).toContain(created.id);

    const edited = await call('PUT', `/v1/apps/${appId}/segments/${created.id}`, {
      ...english,
      name: 'Crud',
      criteria: [{ type: 'device_language', operator: 'contains', languages: ['fr'] }],
    });
    expect(edited.statusCode).toBe(200);
    expect(json(edited)).toMatchObject({ version: 2, status: 'building' });
    expect((await waitReady(created.id)).version).toBe(2);

    const removed = await call('DELETE', `/v1/apps/${appId}/segments/${created.id}`);
    expect(removed.statusCode).toBe(204);
    const gone = await call('GET', `/v1/apps/${appId}/segments/${created.id}`);
    expect(gone.statusCode).toBe(404);
    expect(json(gone).error).toBe('segment_not_found');
  });

  it('answers 404 for an unknown segment, an unknown app and another app of the segment', async () => {
    const segment = await createSegment({ ...english, name: 'Mine' });
    const urls = [
      ['GET', `/v1/apps/${appId}/segments/nope`],
      ['GET', `/v1/apps/app_unknown/segments`],
      ['GET', `/v1/apps/${otherAppId}/segments/${segment.id}`],
      ['PUT', `/v1/apps/${otherAppId}/segments/${segment.id}`],
      ['DELETE', `/v1/apps/${otherAppId}/segments/${segment.id}`],
      ['GET', `/v1/apps/${otherAppId}/segments/${segment.id}/members`],
      ['GET', `/v1/apps/${otherAppId}/segments/${segment.id}/members/u-0`],
      ['GET', `/v1/apps/${otherAppId}/segments/${segment.id}/history`],
    ];
    for (const [method, url] of urls) {
      const body = method === 'PUT' ? { ...english, name: 'Stolen' } : undefined;
      const response = await call(method as string, url as string, body);
      expect([url, response.statusCode]).toEqual([url, 404]);
    }
    expect((await call('GET', `/v1/apps/${appId}/segments/${segment.id}`)).statusCode).toBe(200);
  });

  const invalid: [string, unknown, string[]][] = [
    ['no name', { match: 'all', criteria: english.criteria }, ['/name']],
    [
      'a bad match and no criteria',
      { name: 'x', match: 'some', criteria: [] },
      ['/match', '/criteria'],
    ],
    ['an unknown field', { ...english, colour: 'red' }, ['/colour']],
    [
      'days out of range',
      { ...english, criteria: [{ type: 'app_sessions', operator: 'within_last_days', days: 0 }] },
      ['/criteria/0/days'],
    ],
    [
      'from after to',
      {
        ...english,
        criteria: [
          { type: 'app_sessions', operator: 'between', from: '2026-02-01', to: '2026-01-01' },
        ],
      },
      ['/criteria/0/to'],
    ],
    [
      'an impossible date',
      { ...english, criteria: [{ type: 'app_sessions', operator: 'before', date: '2026-13-45' }] },
      ['/criteria/0/date'],
    ],
    [
      'a bad language',
      {
        ...english,
        criteria: [{ type: 'device_language', operator: 'contains', languages: ['e'] }],
      },
      ['/criteria/0/languages/0'],
    ],
    ['an unknown type', { ...english, criteria: [{ type: 'purchases' }] }, ['/criteria/0/type']],
    [
      'a bad path match and empty path',
      {
        ...english,
        criteria: [{ type: 'page_visited', operator: 'visited', match: 'regex', path: '' }],
      },
      ['/criteria/0/match', '/criteria/0/path'],
    ],
    ['not an object', ['a'], ['']],
  ];

  it.each(invalid)(
    'answers 400 naming every problem for %s, storing nothing',
    async (_label, body, paths) => {
      const before = json(await call('GET', `/v1/apps/${appId}/segments`)).segments.length;

      for (const method of ['POST', 'PUT'] as const) {
        const url =
          method === 'POST'
            ? `/v1/apps/${appId}/segments`
            : `/v1/apps/${appId}/segments/${(await createSegment({ ...english, name: `Put target ${_label}` })).id}`;
        const response = await call(method, url, body);
        expect(response.statusCode).toBe(400);
        const answer = json(response);
        expect(answer.error).toBe('invalid_segment');
        expect(answer.details.map((detail: any) => detail.path).sort()).toEqual([...paths].sort());
      }
      const after = json(await call('GET', `/v1/apps/${appId}/segments`)).segments.length;
      expect(after).toBe(before + 1);
    },
  );

  it('answers 409 for a name already used in the app, and allows it in another app', async () => {
    await createSegment({ ...english, name: 'Unique' });
    const before = json(await call('GET', `/v1/apps/${appId}/segments`)).segments.length;

    const duplicate = await call('POST', `/v1/apps/${appId}/segments`, {
      ...english,
      name: 'Unique',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(json(duplicate)).toMatchObject({
      error: 'segment_name_taken',
      details: [{ path: '/name' }],
    });
    expect(json(await call('GET', `/v1/apps/${appId}/segments`)).segments.length).toBe(before);
    await createSegment({ ...english, name: 'Unique' }, otherAppId);
  });
});

describe('membership reads', () => {
  let segmentId: string;

  beforeAll(async () => {
    segmentId = (await createSegment({ ...english, name: 'Readers' })).id;
    await waitReady(segmentId);
  });

  it('pages through every member exactly once with an opaque cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: any = json(
        await call('GET', `/v1/apps/${appId}/segments/${segmentId}/members?limit=2${query}`),
      );
      expect(page.members.length).toBeLessThanOrEqual(2);
      seen.push(...page.members);
      cursor = page.nextCursor;
    } while (cursor);

    expect(seen.sort()).toEqual(['u-0', 'u-2', 'u-4', 'u-6', 'u-8']);
  });

  it('refuses a limit out of 1..10000 and a cursor it did not write', async () => {
    const base = `/v1/apps/${appId}/segments/${segmentId}/members`;
    for (const query of ['?limit=0', '?limit=10001', '?limit=abc']) {
      const response = await call('GET', base + query);
      expect(response.statusCode).toBe(400);
      expect(json(response).error).toBe('invalid_request');
    }
    const forged = await call('GET', `${base}?cursor=forged`);
    expect(forged.statusCode).toBe(400);
    expect(json(forged).error).toBe('invalid_cursor');
  });

  it('tests one user and lists the segments of a user', async () => {
    const base = `/v1/apps/${appId}/segments/${segmentId}/members`;
    expect(json(await call('GET', `${base}/u-2`))).toEqual({ member: true });
    expect(json(await call('GET', `${base}/u-3`))).toEqual({ member: false });
    expect(json(await call('GET', `${base}/nobody`))).toEqual({ member: false });

    const ofUser = json(await call('GET', `/v1/apps/${appId}/users/u-2/segments`)).segments;
    expect(ofUser).toContain(segmentId);
    const ofOther = json(await call('GET', `/v1/apps/${appId}/users/u-3/segments`)).segments;
    expect(ofOther).not.toContain(segmentId);
  });

  it('exports the members as CSV', async () => {
    const response = await call('GET', `/v1/apps/${appId}/segments/${segmentId}/members.csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = response.body.trim().split('\n');
    expect(lines[0]).toBe('userId');
    expect(lines.slice(1).sort()).toEqual(['u-0', 'u-2', 'u-4', 'u-6', 'u-8']);
  });

  it('previews a draft exactly for a small app without saving it', async () => {
    const before = json(await call('GET', `/v1/apps/${appId}/segments`)).segments.length;
    const draft = {
      ...english,
      name: 'Draft',
      criteria: [{ type: 'device_language', operator: 'contains', languages: ['FR'] }],
    };

    const response = await call('POST', `/v1/apps/${appId}/segments/preview`, draft);
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ estimatedCount: 5, exact: true, sampledUsers: 10 });
    expect(json(await call('GET', `/v1/apps/${appId}/segments`)).segments.length).toBe(before);

    const bad = await call('POST', `/v1/apps/${appId}/segments/preview`, { name: '' });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error).toBe('invalid_segment');
  });

  it('keeps a member-count history', async () => {
    await harness.admin.history.sample();
    const history = json(await call('GET', `/v1/apps/${appId}/segments/${segmentId}/history`));
    expect(history.points.at(-1)).toEqual({ at: expect.any(String), memberCount: 5 });
  });
});
