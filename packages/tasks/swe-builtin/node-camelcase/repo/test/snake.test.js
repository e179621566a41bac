'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { toCamelCase, toSnakeCase } = require('../src/case');

test('snake case of camel case', () => {
  assert.equal(toSnakeCase('fooBarBaz'), 'foo_bar_baz');
});

test('camel case of two words', () => {
  assert.equal(toCamelCase('user_id'), 'userId');
});
