'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { formatDuration } = require('../src/duration');

test('a whole hour', () => {
  assert.equal(formatDuration(3_600_000), '1h');
});

test('a whole day and a minute', () => {
  assert.equal(formatDuration(86_400_000 + 60_000), '1d 1m');
});
