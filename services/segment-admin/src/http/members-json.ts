/** Bytes that a JSON string must escape: controls, `"` and `\`. */
function needsEscape(bytes: Buffer): boolean {
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index] as number;
    if (byte < 0x20 || byte === 0x22 || byte === 0x5c) return true;
  }
  return false;
}

const OPEN = Buffer.from('{"members":[');
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * The JSON of a members page, `{"members":[...],"nextCursor":...}`, written straight from the
 * UTF-8 bytes Redis sent: a userId without a quote, backslash or control character is copied
 * between quotes as it is (valid JSON as it stands), others go through JSON.stringify. Equal to
 * `JSON.stringify({ members, nextCursor })` over the decoded strings, without making 10,000
 * strings per page and serializing them again.
 */
export function membersPageJson(members: Buffer[], nextCursor: string | null): Buffer {
  const parts: Buffer[] = members.map((member) =>
    needsEscape(member) ? Buffer.from(JSON.stringify(member.toString('utf8'))) : member,
  );
  const tail = Buffer.from(`],"nextCursor":${JSON.stringify(nextCursor)}}`);
  let length = OPEN.length + tail.length + Math.max(0, parts.length - 1);
  members.forEach((member, index) => {
    const part = parts[index] as Buffer;
    length += part === member ? member.length + 2 : part.length;
  });

  const out = Buffer.allocUnsafe(length);
  let at = OPEN.copy(out, 0);
  members.forEach((member, index) => {
    if (index > 0) out[at++] = COMMA;
    const part = parts[index] as Buffer;
    if (part === member) out[at++] = QUOTE;
    at += part.copy(out, at);
    if (part === member) out[at++] = QUOTE;
  });
  tail.copy(out, at);
  return out;
}
