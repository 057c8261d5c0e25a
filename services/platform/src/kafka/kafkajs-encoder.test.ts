import { createRequire } from 'node:module';

// kafkajs is patched (patches/kafkajs+2.2.4.patch): its encoder writes varints in place and
// takes 32-bit arithmetic for varlongs that fit in 30 bits. These tests hold the patched
// encoder to the wire format itself, computed here independently with BigInt: zigzag, then
// LEB128 (7 bits a byte, low bits first, high bit set on every byte but the last).

interface EncoderClass {
  new (initialSize?: number): EncoderInstance;
  sizeOfVarLong(value: number): number;
  sizeOfVarInt(value: number): number;
}
interface EncoderInstance {
  writeVarLong(value: number): EncoderInstance;
  writeVarInt(value: number): EncoderInstance;
  writeInt32(value: number): EncoderInstance;
  buffer: Buffer;
}

const load = createRequire(__filename);
const Encoder = load('kafkajs/src/protocol/encoder') as EncoderClass;

function leb128(unsigned: bigint): Buffer {
  const bytes: number[] = [];
  let rest = unsigned;
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}

/** Zigzag over `bits` bits: 0, -1, 1, -2, ... become 0, 1, 2, 3, ... */
function zigzag(value: bigint, bits: bigint): bigint {
  const mask = (1n << bits) - 1n;
  return ((value << 1n) ^ (value >> (bits - 1n))) & mask;
}

const edges = [
  0,
  1,
  -1,
  63,
  -64,
  64,
  -65,
  127,
  128,
  8_191,
  8_192,
  2 ** 20,
  -(2 ** 20),
  2 ** 30 - 1,
  -(2 ** 30),
  2 ** 30,
  -(2 ** 30) - 1,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 40,
  -(2 ** 40),
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  1_796_364_923_857,
  -1_796_364_923_857,
];

/** Integers of every magnitude up to 2^53, both signs, from a fixed seed. */
function spread(count: number): number[] {
  let state = 12_345;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return Array.from({ length: count }, () => {
    const magnitude = Math.floor(2 ** (next() * 53));
    return next() < 0.5 ? -magnitude : magnitude;
  });
}

test('varlongs are the zigzag LEB128 bytes of their 64-bit value, and sized as written', () => {
  for (const value of [...edges, ...spread(20_000)]) {
    const expected = leb128(zigzag(BigInt(value), 64n));
    const written = new Encoder().writeVarLong(value).buffer;
    expect(written.equals(expected) ? 'same' : `${value}: ${written.toString('hex')}`).toBe('same');
    expect(Encoder.sizeOfVarLong(value)).toBe(expected.length);
  }
});

test('varints are the zigzag LEB128 bytes of their 32-bit value', () => {
  const int32 = [...edges, ...spread(20_000)].filter((value) => (value | 0) === value);
  expect(int32.length).toBeGreaterThan(1_000);
  for (const value of int32) {
    const expected = leb128(zigzag(BigInt(value), 32n));
    const written = new Encoder().writeVarInt(value).buffer;
    expect(written.equals(expected) ? 'same' : `${value}: ${written.toString('hex')}`).toBe('same');
  }
});

test('an encoder that grows keeps every byte written before, and only those', () => {
  const encoder = new Encoder(1);
  const values = spread(500);
  for (const value of values) encoder.writeVarLong(value).writeInt32(7);

  const expected = Buffer.concat(
    values.flatMap((value) => [leb128(zigzag(BigInt(value), 64n)), Buffer.from([0, 0, 0, 7])]),
  );
  expect(encoder.buffer.equals(expected)).toBe(true);
});
