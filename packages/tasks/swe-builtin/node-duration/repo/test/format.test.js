'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { formatDuration } = require('../src/duration');

test('hours and minutes', () => {
  assert.equal(formatDuration(5_400_000 + 1_000 * 7), '1h 30m 7s');
});

test('under a second', () => {
  assert.equal(formatDuration(450), '0s');
});
