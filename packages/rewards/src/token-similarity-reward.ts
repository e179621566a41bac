// The shared shape of the token-level SRL step rewards (rouge-l, token-edit-similarity): SRL §4.2's parsing and
// format rule (score-srl-similarity.ts) over token sequences (words, characters or the policy's tokens); each
// reward differs only in the similarity of two token sequences, its `pair` function.
import {
  definePlugin,
  optionalService,
  REWARD_SPEC_VERSION,
  TokenEncoder,
  type OptionalService,
  type PluginDefinition,
  type PluginOptions,
  type RewardInput,
  type RewardModel,
  type RewardResult,
  type TObject,
} from '@srl/core';
import { checkStepHeaderPattern, scoreSrlSimilarity, type SrlSimilarityOptions } from './score-srl-similarity';
import { checkTokenSource, tokenSequences, type TokenSequenceOptions } from './similarity/token-sequences';

export type TokenSimilarityOptions = SrlSimilarityOptions & TokenSequenceOptions;

/** The similarity of two token sequences, and the reward's extra components. */
export type TokenPairSimilarity = (model: Int32Array, expert: Int32Array) => { similarity: number; components: Record<string, number> };

/**
 * A token-level step reward: components `similarity`, `format_ok` and the pair function's extra components
 * (null when not scored). Subclasses give the name, the options and the pair function.
 */
export abstract class TokenSimilarityReward<O extends TokenSimilarityOptions> implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;

  /** `tokenizer` is needed only for `tokens: "policy"`. */
  protected constructor(
    readonly name: string,
    protected readonly options: O,
    private readonly extraComponents: readonly string[],
    private readonly tokenizer?: TokenEncoder,
  ) {
    checkStepHeaderPattern(name, options.stepHeaderPattern);
    checkTokenSource(name, options, tokenizer);
  }

  /** The similarity of one (model, expert) pair of token sequences. */
  protected abstract pair(model: Int32Array, expert: Int32Array): ReturnType<TokenPairSimilarity>;

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    return this.scoreSync(inputs);
  }

  /** The synchronous core of {@link score}. */
  scoreSync(inputs: readonly RewardInput[]): RewardResult[] {
    const sequence = tokenSequences(this.options, this.tokenizer);
    return scoreSrlSimilarity({
      name: this.name,
      inputs,
      options: this.options,
      extraComponents: this.extraComponents,
      similarity: (model, expert) => this.pair(sequence(model), sequence(expert)),
    });
  }
}

/**
 * Declares a token-level reward plugin. The one place these rewards get the stage policy's tokenizer, by
 * injection (for `tokens: "policy"`; the stage binds `TokenEncoder`, so it is undefined under `srl reward`).
 */
export function tokenSimilarityPlugin<S extends TObject>(declaration: {
  name: string;
  description: string;
  options: S;
  create: (options: PluginOptions<S>, tokenizer: TokenEncoder | undefined) => RewardModel;
}): PluginDefinition<'reward', PluginOptions<S>, { tokenizer: OptionalService<TokenEncoder> }> {
  return definePlugin({
    kind: 'reward',
    name: declaration.name,
    description: declaration.description,
    options: declaration.options,
    inject: { tokenizer: optionalService(TokenEncoder) },
    create: (options, deps) => declaration.create(options, deps.tokenizer),
  });
}
