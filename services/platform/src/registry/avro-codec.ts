// The client alone: the package's index also loads every KMS driver (AWS, Azure, GCP, Vault),
// which costs about 5 s of start-up and 50 MB per process on this machine.
import {
  SchemaRegistryClient,
  type Client,
} from '@confluentinc/schemaregistry/dist/schemaregistry-client';
import avro, { type Type } from 'avsc';
import { AppError } from '../errors';
import { frame, headerLength, schemaIdOf } from './wire-format';

/** A registered schema ready to write with: its registry id and its compiled Avro type. */
export interface AvroWriter {
  id: number;
  type: Type;
}

export interface AvroCodecOptions {
  /** Confluent-compatible base URL of the registry (SCHEMA_REGISTRY_URL). */
  url: string;
  /** A client to use instead of one built from `url` (tests pass a mock). */
  client?: Client;
}

/**
 * Avro values in Confluent framing, with schemas from a Confluent-compatible registry.
 *
 * The registry client resolves ids and subjects (and caches them); the bytes are encoded and
 * decoded with avsc types compiled once per schema id. Decoding a record whose schema id is
 * already loaded is synchronous ({@link AvroCodec.decodeKnown}), which is what the worker's
 * hot loop uses after one {@link AvroCodec.load} per batch. Timestamps (`timestamp-millis`)
 * stay plain numbers of milliseconds, as in @confluentinc/schemaregistry's own serde.
 */
export class AvroCodec {
  private readonly client: Client;
  private readonly types = new Map<number, Type>();
  private readonly loading = new Map<number, Promise<Type>>();
  private readonly writers = new Map<string, Promise<AvroWriter>>();

  constructor(options: AvroCodecOptions) {
    this.client = options.client ?? new SchemaRegistryClient({ baseURLs: [options.url] });
  }

  /**
   * The latest schema registered under `subject`, looked up once and then kept: a producer
   * keeps writing with the version it started with until it restarts.
   */
  writerFor(subject: string): Promise<AvroWriter> {
    let writer = this.writers.get(subject);
    if (!writer) {
      writer = this.fetchWriter(subject);
      this.writers.set(subject, writer);
      // A failed lookup (registry down) must not stay cached.
      writer.catch(() => this.writers.delete(subject));
    }
    return writer;
  }

  /** Encodes `value` with the latest schema of `subject`. */
  async encode(subject: string, value: unknown): Promise<Buffer> {
    return this.encodeWith(await this.writerFor(subject), value);
  }

  /** Encodes synchronously with a writer obtained once from {@link AvroCodec.writerFor}. */
  encodeWith(writer: AvroWriter, value: unknown): Buffer {
    const errors: string[] = [];
    if (!writer.type.isValid(value, { errorHook: (path) => errors.push(path.join('.')) })) {
      throw new AppError(
        'record_invalid',
        `value does not match the schema: ${errors.join(', ')}`,
        {
          status: 422,
          details: { schemaId: writer.id, fields: errors },
        },
      );
    }

    return frame(writer.id, writer.type.toBuffer(value));
  }

  /** True when the schema of `id` is compiled and {@link AvroCodec.decodeKnown} can use it. */
  isLoaded(id: number): boolean {
    return this.types.has(id);
  }

  /** Fetches and compiles the schemas of `ids` not yet loaded, all at once. */
  async load(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.types.has(id));
    await Promise.all(missing.map((id) => this.typeOf(id)));
  }

  /**
   * Decodes a record whose schema is loaded; no I/O. Throws `record_not_avro` for bad framing
   * or a body that its schema cannot read, and `schema_not_loaded` when {@link AvroCodec.load}
   * was not called for its id.
   */
  decodeKnown<T = unknown>(payload: Buffer): T {
    const id = schemaIdOf(payload);
    const type = this.types.get(id);
    if (!type) {
      throw new AppError('schema_not_loaded', `schema ${id} is not loaded; call load() first`, {
        details: { schemaId: id },
      });
    }

    return readBody(type, id, payload) as T;
  }

  /** Decodes any record, fetching its schema from the registry the first time its id is seen. */
  async decode<T = unknown>(payload: Buffer): Promise<T> {
    const id = schemaIdOf(payload);
    const type = this.types.get(id) ?? (await this.typeOf(id));
    return readBody(type, id, payload) as T;
  }

  private typeOf(id: number): Promise<Type> {
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.fetchType(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  private async fetchType(id: number): Promise<Type> {
    let schema: string;
    try {
      ({ schema } = await this.client.getBySubjectAndId('', id));
    } catch (error) {
      throw registryError(error, id);
    }

    const type = compile(schema, id);
    this.types.set(id, type);
    return type;
  }

  private async fetchWriter(subject: string): Promise<AvroWriter> {
    try {
      const { id, schema } = await this.client.getLatestSchemaMetadata(subject);
      if (id === undefined) throw new Error(`registry gave no id for ${subject}`);

      const type = compile(schema, id);
      this.types.set(id, type);
      return { id, type };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw registryError(error, undefined, subject);
    }
  }
}

function compile(schema: string, id: number): Type {
  try {
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  } catch (cause) {
    throw new AppError('schema_unsupported', `schema ${id} is not a usable Avro schema`, {
      cause,
      details: { schemaId: id },
    });
  }
}

function readBody(type: Type, id: number, payload: Buffer): unknown {
  try {
    return type.fromBuffer(payload.subarray(headerLength));
  } catch (cause) {
    throw new AppError('record_not_avro', `record body does not decode with schema ${id}`, {
      status: 422,
      cause,
      details: { schemaId: id },
    });
  }
}

/** A 404 means the registry does not know the id or subject; anything else is an outage. */
function registryError(error: unknown, id?: number, subject?: string): AppError {
  const status = (error as { status?: unknown }).status;
  if (status === 404) {
    const what = id === undefined ? `subject ${subject}` : `schema id ${id}`;
    return new AppError('schema_unknown', `the schema registry does not know ${what}`, {
      status: 422,
      cause: error,
      details: { schemaId: id, subject },
    });
  }

  return new AppError('registry_unavailable', 'the schema registry did not answer', {
    status: 503,
    cause: error,
    details: { schemaId: id, subject },
  });
}
