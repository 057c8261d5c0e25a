import pino from 'pino';
import { Registry } from 'prom-client';
import { createAdminMetrics } from '../metrics';
import { AdoptionWait } from './adoption-wait';

const silent = pino({ level: 'silent' });

/** Readers' acknowledgements and the store's revision, moved by the test. */
function fakes(revision: number, readers: Record<string, number>) {
  const state = { revision, readers: new Map(Object.entries(readers)), reads: 0 };
  const acks = {
    live: async () => {
      state.reads += 1;
      return new Map(state.readers);
    },
  };
  const store = { revision: async () => state.revision };
  return { state, acks, store };
}

function build(revision: number, readers: Record<string, number>, timeoutMs = 5_000) {
  const { state, acks, store } = fakes(revision, readers);
  const metrics = createAdminMetrics(new Registry());
  const wait = new AdoptionWait({ acks, store, metrics, logger: silent }, { timeoutMs, pollMs: 5 });
  return { state, metrics, wait };
}

async function timeouts(metrics: ReturnType<typeof createAdminMetrics>): Promise<number> {
  const values = (await metrics.adoptionTimeouts.get()).values;
  return values.reduce((sum, value) => sum + value.value, 0);
}

describe('AdoptionWait', () => {
  it('has nothing to wait for when no worker is alive', async () => {
    const { wait } = build(4, {});
    expect(await wait.untilAdopted('build', {})).toBe(true);
  });

  it('waits until every worker acknowledged the current revision', async () => {
    const { state, wait } = build(4, { a: 4, b: 3 });
    const done = wait.untilAdopted('switch', {});
    let finished = false;
    void done.then(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(finished).toBe(false);

    state.readers.set('b', 4);
    expect(await done).toBe(true);
  });

  it('goes on after the timeout, counts it, and does not wait again for the same revision', async () => {
    const { state, metrics, wait } = build(7, { stuck: 2 }, 60);
    expect(await wait.untilAdopted('free', {})).toBe(false);
    expect(await timeouts(metrics)).toBe(1);

    const reads = state.reads;
    expect(await wait.untilAdopted('free', {})).toBe(true);
    expect(state.reads).toBe(reads);

    state.revision = 8;
    expect(await wait.untilAdopted('free', {})).toBe(false);
    expect(await timeouts(metrics)).toBe(2);
  });
});
