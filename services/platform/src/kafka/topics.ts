/** The Kafka topics of the product (see CONTRACT.md). Code names them only through these. */
export const topics = {
  /** Avro `AppSession` events, keyed `appId:userId`. */
  appSessions: 'app-sessions',
  /** Avro `PageView` events, keyed `appId:userId`. */
  pageViews: 'page-views',
  /** Avro `MembershipChange` records (ENTERED / EXITED), keyed `appId:userId`. */
  membershipChanges: 'segment-membership-changes',
  /** Records the worker could not use, as received, with headers saying why. */
  deadLetters: 'events-dlq',
} as const;

export type TopicName = (typeof topics)[keyof typeof topics];

/** The topics whose values are Avro records registered in the schema registry. */
export const avroTopics = [topics.appSessions, topics.pageViews, topics.membershipChanges] as const;

/** The registry subject of a topic's values (Confluent's TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
