'use strict';

const UNITS = [
  ['d', 24 * 60 * 60 * 1000],
  ['h', 60 * 60 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
];

/** 5400000 -> "1h 30m"; below a second -> "0s". */
function formatDuration(ms) {
  const parts = [];
  let rest = Math.floor(ms);
  for (const [unit, size] of UNITS) {
    if (rest > size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.join(' ') : '0s';
}

module.exports = { formatDuration };
