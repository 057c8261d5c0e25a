/** An `app_session` event as the worker reads it from Kafka. Times are epoch milliseconds. */
export interface SessionEvent {
  type: 'app_session';
  userId: string;
  eventId: string;
  timestamp: number;
  language?: string;
}

/** A `page_view` event; `path` is raw here and normalised when merged into state. */
export interface PageViewEvent {
  type: 'page_view';
  userId: string;
  eventId: string;
  timestamp: number;
  path: string;
  language?: string;
}

export type UserEvent = SessionEvent | PageViewEvent;
