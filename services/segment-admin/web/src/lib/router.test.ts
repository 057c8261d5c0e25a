import { hrefOf, parseRoute, type Route } from './router';

test('every route survives hrefOf then parseRoute', () => {
  const routes: Route[] = [
    { name: 'home' },
    { name: 'segments', appId: 'a 1' },
    { name: 'new-segment', appId: 'a1' },
    { name: 'segment', appId: 'a1', segmentId: 's/1' },
    { name: 'edit-segment', appId: 'a1', segmentId: 's1' },
  ];

  for (const route of routes) expect(parseRoute(hrefOf(route))).toEqual(route);
});

test('unknown hashes lead home', () => {
  expect(parseRoute('')).toEqual({ name: 'home' });
  expect(parseRoute('#/nowhere')).toEqual({ name: 'home' });
});
