#!/usr/bin/env bash
# CI: the packages changed since the base need a changeset (`changeset status --since=BASE`).
# The base, first found of:
#   1. $SRL_CHANGESET_BASE (a commit or ref), when set;
#   2. on a branch: its merge-base with origin/main, or else with main;
#   3. on main itself (a fresh clone: HEAD is main): the first parent of the latest merge on main's
#      first-parent history, i.e. main as it was before the last branch was merged;
#   4. the latest release tag (`@srl/core@*`, written by `changeset tag`).
# With none of these (no main, no merge, no tag, or a shallow clone without the base), it says why and
# skips. `--print-base` prints the base and the rule that chose it, and stops; `--self-test` checks that
# choice in throwaway repositories.
set -euo pipefail

# Prints "BASE RULE" for the repository in the current folder, or "- REASON" when there is none.
find_base() {
  local head ref mb merge tag
  head=$(git rev-parse HEAD)
  if [ -n "${SRL_CHANGESET_BASE:-}" ]; then
    git rev-parse -q --verify "${SRL_CHANGESET_BASE}^{commit}" >/dev/null ||
      { echo "- SRL_CHANGESET_BASE=$SRL_CHANGESET_BASE is not a commit in this clone"; return; }
    echo "$(git rev-parse "${SRL_CHANGESET_BASE}^{commit}") SRL_CHANGESET_BASE"
    return
  fi
  for ref in origin/main main; do
    git rev-parse -q --verify "$ref^{commit}" >/dev/null || continue
    mb=$(git merge-base HEAD "$ref" 2>/dev/null) || continue
    # HEAD is main (or behind it): no branch to compare; fall through to the merge rule.
    [ "$mb" = "$head" ] && break
    echo "$mb merge-base-with-$ref"
    return
  done
  merge=$(git rev-list --first-parent --merges -n 1 HEAD)
  if [ -n "$merge" ]; then
    echo "$(git rev-parse "$merge^1") first-parent-of-last-merge-${merge:0:12}"
    return
  fi
  tag=$(git describe --tags --abbrev=0 --match '@srl/core@*' HEAD 2>/dev/null || true)
  if [ -n "$tag" ]; then
    echo "$(git rev-parse "$tag^{commit}") release-tag-$tag"
    return
  fi
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    echo "- the clone is shallow and holds no main branch, merge or release tag to compare against"
  else
    echo "- no branch point from main, no merge on main and no release tag to compare against"
  fi
}

self_test() {
  local work pass=0 fail=0 got
  work=$(mktemp -d "${TMPDIR:-/tmp}/srl-changeset-check-XXXXXX")
  trap 'rm -rf "$work"' RETURN
  expect() { # NAME EXPECTED-BASE EXPECTED-RULE-PREFIX
    got=$(find_base)
    if [ "${got%% *}" = "$2" ] && [[ "${got#* }" == "$3"* ]]; then pass=$((pass + 1)); else
      fail=$((fail + 1)); echo "self-test $1: expected '$2 $3*', got '$got'" >&2
    fi
  }
  commit() { echo "$1" >>"$1.txt" && git add -A && git commit -qm "$1"; }
  (
    cd "$work" && git init -q -b main repo && cd repo
    git config user.email ci@example.invalid && git config user.name ci
    commit a
    expect "main, no merge, no tag" - "no branch point from main"
    commit b && base=$(git rev-parse HEAD)
    git checkout -q -b feature && commit c && commit d
    expect "branch off main" "$base" merge-base-with-main
    git update-ref refs/remotes/origin/main "$base"
    expect "branch off origin/main" "$base" merge-base-with-origin/main
    git update-ref -d refs/remotes/origin/main
    git checkout -q main && commit e && git merge -q --no-ff -m merge feature
    expect "main after a merge" "$(git rev-parse HEAD^1)" first-parent-of-last-merge
    before=$(git rev-parse HEAD^1) && commit f
    expect "main, a commit after the merge" "$before" first-parent-of-last-merge
    SRL_CHANGESET_BASE=HEAD~1 expect "explicit base" "$(git rev-parse HEAD~1)" SRL_CHANGESET_BASE
    SRL_CHANGESET_BASE=nope expect "explicit base that does not exist" - "SRL_CHANGESET_BASE=nope"
    cd "$work" && git init -q -b trunk tagged && cd tagged
    git config user.email ci@example.invalid && git config user.name ci
    commit a && git tag '@srl/core@0.1.0' && commit b
    expect "no main, a release tag" "$(git rev-parse '@srl/core@0.1.0^{commit}')" 'release-tag-@srl/core@0.1.0'
    echo "$pass passed, $fail failed (changeset base selection)"
    [ "$fail" -eq 0 ]
  )
}

case "${1:-}" in
  --self-test) self_test; exit ;;
  --print-base) find_base; exit ;;
esac

cd "$(dirname "$0")/.."
read -r base rule < <(find_base)
if [ "$base" = - ]; then
  echo "changeset check skipped: $rule"
  exit 0
fi
echo "changeset check: packages changed since ${base:0:12} ($rule) need a changeset"
node_modules/.bin/changeset status --since="$base"
