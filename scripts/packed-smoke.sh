#!/usr/bin/env bash
# The published form, tested: build dist, publint every package, pack the tarballs, install them with
# plain npm in a fresh project next to a third-party plugin (ESM-only exports map, not named in the
# recipe), and run it through `srl plugins`, `validate`, `reward` and `train`; then typecheck a
# consumer under module NodeNext without skipLibCheck.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PNPM="npx -y pnpm@12.4.2"
work=$(mktemp -d "${TMPDIR:-/tmp}/srl-packed-XXXXXX")
trap 'rm -rf "$work"' EXIT
packages=(packages/core packages/rewards packages/policies packages/tasks packages/cli)

echo "== build"
$PNPM -r --filter './packages/*' run build >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
echo "== pack, then publint each tarball (what npm would publish)"
mkdir -p "$work/tarballs"
for p in "${packages[@]}"; do (cd "$p" && $PNPM pack --pack-destination "$work/tarballs" >/dev/null); done
for t in "$work"/tarballs/*.tgz; do "$root/node_modules/.bin/publint" "$t" --strict --level suggestion; done

echo "== a third-party plugin package (ESM-only exports map)"
plugin="$work/srl-plugin-shout"
mkdir -p "$plugin"
cat >"$plugin/package.json" <<'JSON'
{ "name": "srl-plugin-shout", "version": "1.0.0", "type": "module", "keywords": ["srl-plugin"],
  "exports": { ".": { "import": "./index.js" } }, "peerDependencies": { "@srl/core": "*" } }
JSON
cat >"$plugin/index.js" <<'JS'
import { definePlugin, pluginModule, REWARD_SPEC_VERSION } from '@srl/core';
export const shout = definePlugin({
  kind: 'reward', name: 'shout', description: '1 when the step after </think> is all capitals',
  optionsSchema: { type: 'object', properties: { value: { type: 'number' } } }, defaults: { value: 1 },
  create: (o) => ({ specVersion: REWARD_SPEC_VERSION, name: 'shout',
    score: async (inputs) => inputs.map((i) => ({ reward: i.completion === i.completion.toUpperCase() ? o.value : 0, components: {} })) }),
});
export default pluginModule([shout]);
JS
(cd "$plugin" && npm pack --silent --pack-destination "$work/tarballs" >/dev/null)

echo "== npm install in a fresh project"
app="$work/app"
mkdir -p "$app"
(cd "$app" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz typescript@5.9.3 @types/node@20 >"$work/npm.log" 2>&1) || { tail -40 "$work/npm.log"; exit 1; }
cd "$app"
srl() { node node_modules/@srl/cli/dist/bin.js "$@"; }
echo "srl --version: $(srl --version)"
srl plugins --kind reward >"$work/plugins.txt"
grep -q 'shout  (srl-plugin-shout)' "$work/plugins.txt" || { cat "$work/plugins.txt"; echo "FAIL: srl plugins does not list the installed plugin"; exit 1; }
echo "srl plugins: lists shout (srl-plugin-shout)"
cat >recipe.yaml <<'YAML'
name: packed
policy: [tfjs-transformer, { preset: llama-tiny, tokenizer: byte, config: { maxPositions: 256 } }]
task: [math/synthetic-arithmetic, { steps: 2, digits: 1, trainSize: 16, validationSize: 0, systemPrompt: "Next step." }]
rewards: [[shout, { value: 2 }]]
stages: [[srl-tiny, { batchSize: 2, groupSize: 2, maxTokens: 8, maxPromptTokens: 200 }]]
YAML
srl validate recipe.yaml
printf '{"completion":"ABC","reference":"x"}\n{"completion":"abc","reference":"x"}\n' >rows.jsonl
out=$(srl reward shout --input rows.jsonl --options '{"value": 3}')
echo "$out"
[ "$(echo "$out" | head -1)" = '{"reward":3,"components":{}}' ] || { echo "FAIL: srl reward shout"; exit 1; }
srl train recipe.yaml --out run --max-steps 1 2>"$work/train.log" || { tail -20 "$work/train.log"; exit 1; }
grep -q '"reward/mean"' run/stages/*/metrics.jsonl && echo "srl train: 1 step with the plugin's reward"

echo "== consumer types under NodeNext, no skipLibCheck"
cat >tsconfig.json <<'JSON'
{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "target": "ES2022", "strict": true, "noEmit": true }, "files": ["check.ts"] }
JSON
cat >check.ts <<'TS'
import { definePlugin, PluginRegistry, type RewardModel } from '@srl/core';
import { checkRewardPlugin } from '@srl/core/testing';
import * as rewards from '@srl/rewards';
import * as tasks from '@srl/tasks';
import * as policies from '@srl/policies';
import * as cli from '@srl/cli';
const registry: PluginRegistry = new PluginRegistry();
const plugin = definePlugin<'reward', { k: number }>({ kind: 'reward', name: 'k', optionsSchema: { type: 'object' }, defaults: { k: 1 }, create: (): RewardModel => ({ specVersion: 1, name: 'k', score: async () => [] }) });
export const used = [registry, plugin, checkRewardPlugin, rewards, tasks, policies, cli];
TS
node_modules/.bin/tsc -p tsconfig.json
echo "packed smoke: ok"
