export * from './admin';
export * from './config';
export * from './metrics';
export type { SegmentView } from './segments/segment-service';
export type { AudienceEstimate } from './preview/preview-service';
