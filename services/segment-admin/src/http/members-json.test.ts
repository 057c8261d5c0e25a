import fc from 'fast-check';
import { membersPageJson } from './members-json';

const asJson = (members: string[], cursor: string | null) =>
  membersPageJson(
    members.map((member) => Buffer.from(member, 'utf8')),
    cursor,
  ).toString('utf8');

describe('membersPageJson', () => {
  it('writes plain ids between quotes and escapes the rest as JSON.stringify does', () => {
    const members = ['u-1', 'a"b', 'back\\slash', 'tab\there', 'é日本', ''];
    expect(asJson(members, 'v1.abc')).toBe(JSON.stringify({ members, nextCursor: 'v1.abc' }));
    expect(asJson([], null)).toBe('{"members":[],"nextCursor":null}');
  });

  it('equals JSON.stringify for any ids and cursor', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' })),
        fc.option(fc.string()),
        (members, cursor) => {
          const parsed = JSON.parse(asJson(members, cursor));
          expect(parsed).toEqual({ members, nextCursor: cursor });
        },
      ),
    );
  });
});
