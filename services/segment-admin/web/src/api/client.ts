import { ApiError, apiErrorFrom } from './api-error';
import type {
  App,
  AudienceEstimate,
  CreatedApp,
  HistoryPoint,
  MembersPage,
  Segment,
  SegmentDefinition,
} from './types';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * The admin API as the dashboard uses it. Every call carries the admin token; a 401 calls
 * `onUnauthorized` so the shell can ask for the token again.
 */
export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void = () => undefined,
    private readonly baseUrl = '',
  ) {}

  listApps(signal?: AbortSignal): Promise<App[]> {
    return this.json<{ apps: App[] }>('GET', '/v1/apps', { signal }).then((r) => r.apps);
  }

  createApp(name: string): Promise<CreatedApp> {
    return this.json('POST', '/v1/apps', { body: { name } });
  }

  listSegments(appId: string, signal?: AbortSignal): Promise<Segment[]> {
    const path = `${appPath(appId)}/segments`;

    return this.json<{ segments: Segment[] }>('GET', path, { signal }).then((r) => r.segments);
  }

  getSegment(appId: string, segmentId: string, signal?: AbortSignal): Promise<Segment> {
    return this.json('GET', segmentPath(appId, segmentId), { signal });
  }

  createSegment(appId: string, definition: SegmentDefinition): Promise<Segment> {
    return this.json('POST', `${appPath(appId)}/segments`, { body: definition });
  }

  updateSegment(appId: string, segmentId: string, definition: SegmentDefinition) {
    return this.json<Segment>('PUT', segmentPath(appId, segmentId), { body: definition });
  }

  deleteSegment(appId: string, segmentId: string): Promise<void> {
    return this.json('DELETE', segmentPath(appId, segmentId));
  }

  previewSegment(appId: string, definition: SegmentDefinition, signal?: AbortSignal) {
    const path = `${appPath(appId)}/segments/preview`;

    return this.json<AudienceEstimate>('POST', path, { body: definition, signal });
  }

  history(appId: string, segmentId: string, signal?: AbortSignal): Promise<HistoryPoint[]> {
    const path = `${segmentPath(appId, segmentId)}/history`;

    return this.json<{ points: HistoryPoint[] }>('GET', path, { signal }).then((r) => r.points);
  }

  members(appId: string, segmentId: string, limit: number, cursor: string | null) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    const path = `${segmentPath(appId, segmentId)}/members?${query.toString()}`;

    return this.json<MembersPage>('GET', path);
  }

  async isMember(appId: string, segmentId: string, userId: string): Promise<boolean> {
    const path = `${segmentPath(appId, segmentId)}/members/${encodeURIComponent(userId)}`;
    const answer = await this.json<{ member: boolean }>('GET', path);

    return answer.member;
  }

  /** The raw CSV response, so the caller can hand its body to the browser as it arrives. */
  exportMembers(appId: string, segmentId: string): Promise<Response> {
    return this.send('GET', `${segmentPath(appId, segmentId)}/members.csv`, {});
  }

  private async json<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;

    return (await response.json()) as T;
  }

  private async send(method: Method, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network_error', 'The server could not be reached. Try again.');
    }
    if (response.ok) return response;

    const failure = await apiErrorFrom(response);
    if (failure.status === 401) this.onUnauthorized();
    throw failure;
  }
}

function appPath(appId: string): string {
  return `/v1/apps/${encodeURIComponent(appId)}`;
}

function segmentPath(appId: string, segmentId: string): string {
  return `${appPath(appId)}/segments/${encodeURIComponent(segmentId)}`;
}
