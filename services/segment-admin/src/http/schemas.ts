import { Type, type TSchema } from '@sinclair/typebox';
import { SegmentDefinitionSchema } from '@audience/engine';

// Request and answer shapes of the admin API. Definitions reuse the engine's TypeBox schema as
// is, so the API, its OpenAPI document and the validator can never disagree.

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'Stable error code, see docs/errors.md' }),
    message: Type.Optional(Type.String()),
    details: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Error' },
);

export const AppSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const CreatedAppSchema = Type.Object({
  ...AppSchema.properties,
  writeKey: Type.String({ description: 'Shown once: only its hash is stored' }),
});

export const SegmentSchema = Type.Object({
  id: Type.String(),
  ...SegmentDefinitionSchema.properties,
  version: Type.Integer({ minimum: 1 }),
  status: Type.Union([Type.Literal('building'), Type.Literal('ready')], {
    description: 'building while membership is computed over existing users',
  }),
  progress: Type.Integer({ minimum: 0, maximum: 100, description: 'Percent of the build' }),
  memberCount: Type.Integer({ minimum: 0 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const EstimateSchema = Type.Object({
  estimatedCount: Type.Integer({ minimum: 0 }),
  exact: Type.Boolean(),
  sampledUsers: Type.Integer({ minimum: 0 }),
});

export const HistorySchema = Type.Object({
  points: Type.Array(
    Type.Object({ at: Type.String({ format: 'date-time' }), memberCount: Type.Integer() }),
  ),
});

export const MembersPageSchema = Type.Object({
  members: Type.Array(Type.String()),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const AppParams = Type.Object({ appId: Type.String({ minLength: 1, maxLength: 64 }) });
export const SegmentParams = Type.Object({
  ...AppParams.properties,
  segmentId: Type.String({ minLength: 1, maxLength: 64 }),
});
export const MemberParams = Type.Object({
  ...SegmentParams.properties,
  userId: Type.String({ minLength: 1, maxLength: 256 }),
});
export const UserParams = Type.Object({
  ...AppParams.properties,
  userId: Type.String({ minLength: 1, maxLength: 256 }),
});

export const MembersQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
});

/** The definition schema, documented in OpenAPI but checked by the engine (every problem). */
export const DefinitionBody = SegmentDefinitionSchema;

/** Error answers a route can give, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('Error')]));
}
