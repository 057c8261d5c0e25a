import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { prng } from '../../../engine/src/testing/prng';
import { KeyPartitioner, murmur2 } from './key-partitioner';

function metadata(count: number, leaderless: number[] = []): PartitionerArgs['partitionMetadata'] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
}

describe('murmur2', () => {
  it('gives the values of the Java client for known inputs', () => {
    // Kafka's UtilsTest: murmur2 of "21" is -973932308, of "foobar" -790332482.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
  });
});

describe('KeyPartitioner', () => {
  it('places every key where kafkajs DefaultPartitioner does', () => {
    const random = prng(7);
    const alphabet = 'abcXYZ019:-_éü€😀';
    const ours = KeyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const count of [1, 3, 12, 64]) {
      const partitionMetadata = metadata(count, count > 1 ? [1] : []);
      for (let index = 0; index < 1_000; index += 1) {
        const length = Math.floor(random() * 40);
        const key = Array.from(
          { length },
          () => alphabet[Math.floor(random() * alphabet.length)],
        ).join('');
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        const expected = theirs(args);
        expect(ours(args)).toBe(expected);
        const asBuffer = { ...args, message: { key: Buffer.from(key), value: null } };
        expect(ours(asBuffer)).toBe(expected);
      }
    }
  });

  it('keeps an explicit partition and spreads keyless records over led partitions', () => {
    const ours = KeyPartitioner();
    const partitionMetadata = metadata(4, [2]);
    const explicit = { topic: 't', partitionMetadata, message: { partition: 3, value: 'v' } };
    expect(ours(explicit)).toBe(3);

    const chosen = new Set<number>();
    for (let index = 0; index < 12; index += 1) {
      chosen.add(ours({ topic: 't', partitionMetadata, message: { value: 'v' } }));
    }
    expect([...chosen].sort()).toEqual([0, 1, 3]);
  });
});
