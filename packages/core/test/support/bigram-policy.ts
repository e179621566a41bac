/**
 * A real, tiny trainable policy in pure JS for trainer tests: a byte-level bigram model
 * (logits W[prev][next]) with exact gradients for the cross-entropy and clipped policy-gradient
 * objectives, Adam, global-norm clipping, seeded sampling and save/load.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  isTokenizedPrompt,
  POLICY_SPEC_VERSION,
  SeededRng,
  type PolicyPrompt,
  type Generation,
  type Prompt,
  type SamplingParams,
  type ScoredSequence,
  type ScoreOptions,
  type SequenceScores,
  type TrainablePolicy,
  type TrainStepInput,
  type TrainStepResult,
} from '../../src/index';

const V = 258;
const BOS = 256;
const EOS = 257;

export class BigramPolicy implements TrainablePolicy {
  readonly specVersion = POLICY_SPEC_VERSION;
  readonly name = 'bigram';
  readonly trainable = true;
  readonly eosTokenId = EOS;
  private w = new Float64Array(V * V);
  private m = new Float64Array(V * V);
  private v = new Float64Array(V * V);
  private t = 0;
  private rng: SeededRng;
  /** Set to make the next trainStep see a NaN loss (tests the skip rule). */
  poisonNextStep = false;

  constructor(seed = 0) {
    this.rng = new SeededRng(seed >>> 0);
  }

  formatPrompt(prompt: Prompt): string {
    return typeof prompt === 'string' ? prompt : `${prompt.map((m) => `${m.role}: ${m.content}`).join('\n')}\nassistant: `;
  }
  tokenize(text: string): number[] {
    return [...Buffer.from(text, 'utf8')];
  }
  detokenize(ids: number[]): string {
    return Buffer.from(ids.filter((i) => i < 256)).toString('utf8');
  }

  /** log_softmax(W[prev] / temperature) (temperature 0 means 1). */
  private logSoftmax(prev: number, temperature = 1): Float64Array {
    const t = temperature > 0 ? temperature : 1;
    const row = this.w.subarray(prev * V, prev * V + V).map((x) => x / t);
    let max = -Infinity;
    for (const x of row) max = Math.max(max, x);
    let sum = 0;
    for (const x of row) sum += Math.exp(x - max);
    const lse = max + Math.log(sum);
    return row.map((x) => x - lse);
  }

  async generate(prompts: PolicyPrompt[], params: SamplingParams): Promise<Generation[]> {
    return prompts.map((prompt) => {
      // A tokenized prompt is sampled from as given (the Policy contract); text gets BOS first.
      const promptText = isTokenizedPrompt(prompt) ? prompt.text : this.formatPrompt(prompt);
      const promptTokenIds = isTokenizedPrompt(prompt) ? prompt.tokenIds : [BOS, ...this.tokenize(promptText)];
      const samples = Array.from({ length: params.n ?? 1 }, () => {
        const tokenIds: number[] = [];
        const logprobs: number[] = [];
        let prev = promptTokenIds[promptTokenIds.length - 1] ?? BOS;
        let finishReason: 'eos' | 'length' | 'stop' = 'length';
        for (let i = 0; i < params.maxTokens; i++) {
          const temperature = params.temperature ?? 1;
          // The sampling distribution softmax(W / T); its log-probs are the sample's (TrainablePolicy contract).
          const lp = this.logSoftmax(prev, temperature);
          let next = 0;
          if (temperature === 0) next = lp.indexOf(Math.max(...lp));
          else {
            const u = this.rng.uniform32();
            let acc = 0;
            for (next = 0; next < V - 1; next++) if ((acc += Math.exp(lp[next])) > u) break;
          }
          if (next === EOS) {
            finishReason = 'eos';
            break;
          }
          tokenIds.push(next);
          logprobs.push(lp[next]);
          prev = next;
        }
        return { text: this.detokenize(tokenIds), tokenIds, logprobs, finishReason };
      });
      return { promptText, promptTokenIds, samples };
    });
  }

  async score(sequences: ScoredSequence[], options: ScoreOptions = {}): Promise<SequenceScores[]> {
    return sequences.map((s) => {
      let prev = s.promptTokenIds[s.promptTokenIds.length - 1] ?? BOS;
      const logprobs: number[] = [];
      const entropies: number[] = [];
      for (const y of s.completionTokenIds) {
        const lp = this.logSoftmax(prev, options.temperature);
        logprobs.push(lp[y]);
        entropies.push(-lp.reduce((a, x) => a + Math.exp(x) * x, 0));
        prev = y;
      }
      return { logprobs, entropies };
    });
  }

  async trainStep(input: TrainStepInput): Promise<TrainStepResult> {
    const grad = new Float64Array(V * V);
    const o = input.objective;
    const temperature = o.kind === 'clipped-policy-gradient' && o.temperature ? o.temperature : 1;
    const tokens = input.items.reduce((a, it) => a + it.completionTokenIds.length, 0);
    let loss = 0;
    let clipped = 0;
    let klSum = 0;
    for (const item of input.items) {
      let prev = item.promptTokenIds[item.promptTokenIds.length - 1] ?? BOS;
      const n = item.completionTokenIds.length;
      const weight = o.kind === 'clipped-policy-gradient' && o.aggregation === 'sequence-mean' ? 1 / (n * input.items.length) : 1 / tokens;
      item.completionTokenIds.forEach((y, k) => {
        const lp = this.logSoftmax(prev, temperature);
        let dLossDLogp: number;
        if (o.kind === 'cross-entropy') {
          loss -= lp[y] * weight;
          dLossDLogp = -1;
        } else {
          const ratio = Math.exp(lp[y] - item.oldLogprobs![k]);
          const a = item.advantage!;
          const c = Math.min(Math.max(ratio, 1 - o.clipLow), 1 + o.clipHigh);
          const isClipped = c * a < ratio * a;
          loss += -Math.min(ratio * a, c * a) * weight;
          clipped += isClipped ? 1 : 0;
          dLossDLogp = isClipped ? 0 : -ratio * a;
          if (o.klBeta > 0) {
            // k3 = e^d - d - 1 with d = ref - logp; dk3/dlogp = 1 - e^d; with the ratio correction k3 * ratio,
            // whose derivative is (1 - e^d) * ratio + k3 * ratio.
            const d = item.refLogprobs![k] - lp[y];
            const k3 = Math.exp(d) - d - 1;
            const kl = o.klRatioCorrection ? k3 * ratio : k3;
            loss += o.klBeta * kl * weight;
            dLossDLogp += o.klBeta * (o.klRatioCorrection ? (1 - Math.exp(d)) * ratio + k3 * ratio : 1 - Math.exp(d));
            klSum += kl;
          }
        }
        // d log_softmax(W / T)[y] / dW[j] = (onehot - softmax(W / T))[j] / T.
        for (let j = 0; j < V; j++) grad[prev * V + j] += (weight * dLossDLogp * ((j === y ? 1 : 0) - Math.exp(lp[j]))) / temperature;
        prev = y;
      });
    }
    if (this.poisonNextStep) {
      this.poisonNextStep = false;
      loss = NaN;
    }
    const norm = Math.sqrt(grad.reduce((a, g) => a + g * g, 0));
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) return { loss, gradNorm: norm, skipped: true, tokens };
    const scale = input.maxGradNorm && norm > input.maxGradNorm ? input.maxGradNorm / norm : 1;
    this.t++;
    const [b1, b2] = [0.9, 0.999];
    for (let i = 0; i < grad.length; i++) {
      const g = grad[i] * scale;
      this.m[i] = b1 * this.m[i] + (1 - b1) * g;
      this.v[i] = b2 * this.v[i] + (1 - b2) * g * g;
      this.w[i] -= (input.learningRate * (this.m[i] / (1 - b1 ** this.t))) / (Math.sqrt(this.v[i] / (1 - b2 ** this.t)) + 1e-8);
    }
    return {
      loss,
      gradNorm: norm,
      skipped: false,
      tokens,
      ...(o.kind === 'clipped-policy-gradient'
        ? { clipFraction: clipped / Math.max(1, tokens), ...(o.klBeta > 0 ? { kl: klSum / Math.max(1, tokens) } : {}) }
        : {}),
    };
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const state = { w: [...this.w], m: [...this.m], v: [...this.v], t: this.t };
    await writeFile(path.join(dir, 'bigram.json'), JSON.stringify(state));
  }
  async load(dir: string): Promise<void> {
    const state = JSON.parse(await readFile(path.join(dir, 'bigram.json'), 'utf8')) as { w: number[]; m: number[]; v: number[]; t: number };
    this.w = Float64Array.from(state.w);
    this.m = Float64Array.from(state.m);
    this.v = Float64Array.from(state.v);
    this.t = state.t;
  }
  resetOptimizer(): void {
    this.m.fill(0);
    this.v.fill(0);
    this.t = 0;
  }
  rngState(): unknown {
    return this.rng.state();
  }
  setRngState(state: unknown): void {
    this.rng = SeededRng.fromState(state);
  }
  dispose(): void {}
}
