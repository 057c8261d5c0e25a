export * from './avro-codec';
export * from './wire-format';
