import { useSyncExternalStore } from 'react';

/**
 * Hash routes keep the dashboard a set of static files: segment-admin serves `web/dist` at `/`
 * and needs no fallback to index.html for deep links.
 */
export type Route =
  | { name: 'home' }
  | { name: 'segments'; appId: string }
  | { name: 'new-segment'; appId: string }
  | { name: 'segment'; appId: string; segmentId: string }
  | { name: 'edit-segment'; appId: string; segmentId: string };

/** Reads a route from a hash such as `#/apps/a1/segments/s1/edit`. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [apps, appId, segments, segmentId, action] = parts;
  if (apps !== 'apps' || !appId) return { name: 'home' };
  if (segments !== 'segments' || !segmentId) return { name: 'segments', appId };
  if (segmentId === 'new') return { name: 'new-segment', appId };
  if (action === 'edit') return { name: 'edit-segment', appId, segmentId };

  return { name: 'segment', appId, segmentId };
}

/** The hash for a route; the inverse of parseRoute. */
export function hrefOf(route: Route): string {
  const app = (id: string) => `#/apps/${encodeURIComponent(id)}`;
  switch (route.name) {
    case 'home':
      return '#/';
    case 'segments':
      return `${app(route.appId)}/segments`;
    case 'new-segment':
      return `${app(route.appId)}/segments/new`;
    case 'segment':
      return `${app(route.appId)}/segments/${encodeURIComponent(route.segmentId)}`;
    case 'edit-segment':
      return `${app(route.appId)}/segments/${encodeURIComponent(route.segmentId)}/edit`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);

  return () => window.removeEventListener('hashchange', onChange);
}

/** The current route, re-rendering on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);

  return parseRoute(hash);
}
