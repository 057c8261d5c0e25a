/** Shapes of the public segment-admin API (see CONTRACT.md), as the dashboard reads them. */

export type MatchLogic = 'all' | 'any';

/** A criterion on the device language of the user's latest event that carried one. */
export interface DeviceLanguageCriterion {
  type: 'device_language';
  operator: 'contains' | 'not_contains';
  languages: string[];
}

/** A criterion on a single calendar day (UTC). */
export interface SessionDateCriterion {
  type: 'app_sessions';
  operator: 'before' | 'after';
  date: string;
}

/** A criterion on a range of calendar days (UTC), both ends included. */
export interface SessionRangeCriterion {
  type: 'app_sessions';
  operator: 'between';
  from: string;
  to: string;
}

/** A criterion on a sliding window that ends now. */
export interface SessionWindowCriterion {
  type: 'app_sessions';
  operator: 'within_last_days' | 'not_within_last_days';
  days: number;
}

export type PathMatch = 'equals' | 'contains' | 'starts_with' | 'ends_with';

/** A criterion on the normalised paths of the user's page views. */
export interface PageVisitedCriterion {
  type: 'page_visited';
  operator: 'visited' | 'not_visited';
  match: PathMatch;
  path: string;
}

export type Criterion =
  | DeviceLanguageCriterion
  | SessionDateCriterion
  | SessionRangeCriterion
  | SessionWindowCriterion
  | PageVisitedCriterion;

export type CriterionType = Criterion['type'];

/** What the Create Segment form sends. */
export interface SegmentDefinition {
  name: string;
  match: MatchLogic;
  criteria: Criterion[];
}

/** A stored segment: the definition plus what the server tracks about it. */
export interface Segment extends SegmentDefinition {
  id: string;
  version: number;
  status: 'building' | 'ready';
  /** 0..100 while `status` is `building`. */
  progress?: number;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface App {
  id: string;
  name: string;
}

/** Returned once, when the app is created: the write key is never shown again. */
export interface CreatedApp extends App {
  writeKey: string;
}

export interface AudienceEstimate {
  estimatedCount: number;
  exact: boolean;
  sampledUsers: number;
}

export interface HistoryPoint {
  at: string;
  memberCount: number;
}

export interface MembersPage {
  members: string[];
  nextCursor: string | null;
}

/** One problem the API found, addressed by a JSON pointer into the request body. */
export interface ErrorDetail {
  path: string;
  message: string;
}
