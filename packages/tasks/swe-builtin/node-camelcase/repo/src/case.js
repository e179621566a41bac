'use strict';

/** "foo_bar-baz qux" -> "fooBarBazQux" */
function toCamelCase(text) {
  const lower = text.trim().toLowerCase();
  return lower.replace(/[_\-\s]+(\w)/, (_, ch) => ch.toUpperCase());
}

/** "fooBarBaz" -> "foo_bar_baz" */
function toSnakeCase(text) {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]+/g, '_').toLowerCase();
}

module.exports = { toCamelCase, toSnakeCase };
