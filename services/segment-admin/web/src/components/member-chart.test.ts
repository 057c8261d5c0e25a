import { niceCeiling } from './member-chart';

test('rounds the chart top up to a readable number', () => {
  expect([0, 1, 2, 3, 7, 10, 11, 240, 260, 1234].map(niceCeiling)).toEqual([
    2, 2, 2, 5, 10, 10, 20, 250, 500, 2000,
  ]);
});
