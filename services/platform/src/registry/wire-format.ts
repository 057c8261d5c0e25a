import { AppError } from '../errors';

/** Length of the Confluent header: magic byte 0, then the schema id as a 4-byte big-endian int. */
export const headerLength = 5;

/**
 * The schema id of a record in Confluent framing. Throws `record_not_avro` for anything else
 * (JSON sent by mistake, an empty value, a tombstone), so the caller can dead-letter it.
 */
export function schemaIdOf(payload: Buffer | null | undefined): number {
  if (!payload || payload.length < headerLength || payload[0] !== 0) {
    throw new AppError(
      'record_not_avro',
      'record is not Avro in Confluent framing (magic byte 0 and a 4-byte schema id expected)',
      { status: 422, details: { length: payload?.length ?? 0, firstByte: payload?.[0] } },
    );
  }

  return payload.readUInt32BE(1);
}

/** Prepends the Confluent header to an Avro body. */
export function frame(schemaId: number, body: Buffer): Buffer {
  const payload = Buffer.allocUnsafe(headerLength + body.length);
  payload[0] = 0;
  payload.writeUInt32BE(schemaId, 1);
  body.copy(payload, headerLength);
  return payload;
}
