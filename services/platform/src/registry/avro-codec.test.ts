import { MockClient } from '@confluentinc/schemaregistry/dist/mock-schemaregistry-client';
import { hasCode } from '../errors';
import { AvroCodec } from './avro-codec';
import { frame, schemaIdOf } from './wire-format';

const schema = JSON.stringify({
  type: 'record',
  name: 'Probe',
  fields: [
    { name: 'userId', type: 'string' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'language', type: ['null', 'string'], default: null },
  ],
});

async function codecWithSchema() {
  const client = new MockClient({ baseURLs: ['http://registry.invalid'] });
  const id = await client.register('probe-value', { schemaType: 'AVRO', schema });
  return { client, codec: new AvroCodec({ url: 'http://registry.invalid', client }), id };
}

test('encodes in Confluent framing and decodes back, sync once the id is loaded', async () => {
  const { codec, id } = await codecWithSchema();
  const value = { userId: 'u-1', at: 1_764_496_800_000, language: 'fr-FR' };

  const payload = await codec.encode('probe-value', value);

  expect(payload[0]).toBe(0);
  expect(schemaIdOf(payload)).toBe(id);
  expect(codec.decodeKnown(payload)).toEqual(value);
});

test('decodeKnown refuses an unseen schema id until load() fetched it', async () => {
  const { client, codec, id } = await codecWithSchema();
  const payload = await codec.encode('probe-value', { userId: 'u-2', at: 5, language: null });
  const fresh = new AvroCodec({ url: 'http://registry.invalid', client });

  expect(() => fresh.decodeKnown(payload)).toThrow(
    expect.objectContaining({ code: 'schema_not_loaded' }),
  );
  await fresh.load([id]);
  expect(fresh.isLoaded(id)).toBe(true);
  expect(fresh.decodeKnown(payload)).toEqual({ userId: 'u-2', at: 5, language: null });
});

test('rejects payloads without the magic byte or with a body the schema cannot read', async () => {
  const { codec, id } = await codecWithSchema();

  for (const bad of [Buffer.from('{"userId":"u"}'), Buffer.alloc(3), Buffer.alloc(0)]) {
    await expect(codec.decode(bad)).rejects.toMatchObject({ code: 'record_not_avro' });
  }
  const truncated = frame(id, Buffer.from([0x04]));
  await expect(codec.decode(truncated)).rejects.toMatchObject({ code: 'record_not_avro' });
});

test('a value that does not fit the schema is refused with the fields named', async () => {
  const { codec } = await codecWithSchema();

  const failure = await codec.encode('probe-value', { userId: 7, at: 'now' }).catch((e) => e);

  expect(hasCode(failure, 'record_invalid')).toBe(true);
  expect(failure.details.fields).toEqual(expect.arrayContaining(['userId', 'at']));
});
