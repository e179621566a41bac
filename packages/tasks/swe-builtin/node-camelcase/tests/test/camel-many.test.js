'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { toCamelCase } = require('../src/case');

test('every separator is removed', () => {
  assert.equal(toCamelCase('foo_bar_baz'), 'fooBarBaz');
  assert.equal(toCamelCase('created-at time'), 'createdAtTime');
});
