import { buildCollector, EventPublisher, type EncoderLookup } from '@audience/collector';
import {
  AppStore,
  AvroCodec,
  createIdempotentProducer,
  createKafka,
  createMetricsRegistry,
  topics,
  valueSubject,
} from '@audience/platform';
import type { FastifyInstance } from 'fastify';
import {
  ADMIN_TOKEN,
  auth,
  silent,
  startAdmin,
  type AdminHarness,
} from '../../admin/admin-harness';
import { stack, startGroupAtEnd, uniqueName } from '../../pipeline/support/stack-env';
import { WorkerProcess } from '../../pipeline/support/worker-process';

export { ADMIN_TOKEN };

/** An event as a mobile SDK posts it to the collector. */
export interface SdkEvent {
  type: 'app_session' | 'page_view';
  userId: string;
  timestamp: string;
  language?: string;
  path?: string;
}

/**
 * The whole product for one browser test file: segment-admin (serving the built dashboard) and
 * a collector in this process, an ingest worker as a child process, all under one fresh key
 * prefix, the worker in a fresh consumer group that starts at the topics' current end.
 */
export class DashboardStack {
  admin!: AdminHarness;
  collectorUrl = '';
  private collector: FastifyInstance | undefined;
  private publisher: EventPublisher | undefined;
  private worker: WorkerProcess | undefined;

  async start(): Promise<void> {
    this.admin = await startAdmin('browser', {}, { HISTORY_INTERVAL_MS: '1000' });
    const home = await (await fetch(this.admin.url)).text();
    if (home.includes('Dashboard not built')) {
      // `npm test` builds it first (pretest); a bare `npx jest` does not.
      throw new Error('the dashboard is not built: run `npm run build:web` first');
    }
    await this.startCollector();
    const groupId = uniqueName('browser-group');
    await startGroupAtEnd(groupId, [topics.appSessions, topics.pageViews]);
    this.worker = new WorkerProcess({
      groupId,
      prefix: this.admin.prefix,
      workerId: uniqueName('browser-worker'),
    });
    await this.worker.start();
  }

  async close(): Promise<void> {
    await this.worker?.stop();
    await this.collector?.close();
    await this.publisher?.close();
    await this.admin?.close();
  }

  get url(): string {
    return this.admin.url;
  }

  /** Posts events through the collector's HTTP API with an app's write key. */
  async send(writeKey: string, events: SdkEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += 500) {
      const batch = events.slice(start, start + 500);
      const response = await fetch(`${this.collectorUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
        body: JSON.stringify({ events: batch }),
      });
      const answer = (await response.json()) as { accepted?: number };
      if (response.status !== 202 || answer.accepted !== batch.length) {
        throw new Error(`collector answered ${response.status} ${JSON.stringify(answer)}`);
      }
    }
  }

  /** One admin API call with the admin token; the parsed JSON body (undefined for 204). */
  async api<T>(method: string, path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, { method, headers: auth });
    const text = await response.text();

    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Every member of a segment, read through the API's paged member list. */
  async members(appId: string, segmentId: string): Promise<string[]> {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const query = `limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: { body: { members: string[]; nextCursor: string | null } } = await this.api(
        'GET',
        `/v1/apps/${appId}/segments/${segmentId}/members?${query}`,
      );
      all.push(...page.body.members);
      cursor = page.body.nextCursor;
    } while (cursor);

    return all;
  }

  // In process and under the admin's prefix, so it knows the write keys the dashboard creates.
  private async startCollector(): Promise<void> {
    const apps = new AppStore(this.admin.redis, this.admin.prefix);
    const codec = new AvroCodec({ url: stack.registryUrl });
    const kafka = createKafka({
      clientId: 'browser-collector',
      brokers: stack.brokers,
      logger: silent,
    });
    const encoderFor: EncoderLookup = async (topic) => {
      const writer = await codec.writerFor(valueSubject(topic));
      return (record) => codec.encodeWith(writer, record);
    };
    this.publisher = new EventPublisher({
      createProducer: () => createIdempotentProducer(kafka),
      encoderFor,
      logger: silent,
      deadlineMs: 10_000,
    });
    const publisher = this.publisher;
    this.collector = await buildCollector({
      logger: silent,
      registry: createMetricsRegistry('browser-collector'),
      appForWriteKey: (key) => apps.appForWriteKey(key),
      publish: (appId, events, receivedAt) => publisher.publish(appId, events, receivedAt),
      checks: {},
    });
    this.collectorUrl = await this.collector.listen({ port: 0, host: '127.0.0.1' });
  }
}
