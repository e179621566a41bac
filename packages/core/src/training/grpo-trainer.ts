/**
 * GRPO (SRL §3, §4.2): G rollouts per instance at temperature 1, group-normalised advantages,
 * clipped surrogate (ε = 0.2, token-mean), no KL by default, gradient clipping 1.0, μ updates per
 * batch, and SRL's dynamic sampling (keep a group only if the population std of its rewards > ε,
 * refill until the batch is full). SRL and RLVR are presets of this trainer (`srl`, `rlvr`).
 * Training, reference and sampling log-probs are all taken at the sampling temperature (logits / T), as in
 * TRL and verl, so the ratio is on-policy at any T.
 */
import { systemClock } from '../contracts/clock';
import type { FrozenPolicy, Generation, TrainingItem } from '../contracts/policy';
import type { StepMetrics } from '../metrics/metric-key';
import { SrlError } from '../errors';
import type { PluginRef } from '../plugins/plugin-ref';
import type { RewardInput } from '../contracts/reward-model';
import type { StageResult, Trainer, TrainerContext, TrainerInstancesInput } from '../contracts/trainer';
import { TRAINER_SPEC_VERSION } from '../contracts/trainer';
import { groupAdvantages, mean, populationStd } from './advantages';
import { fillDynamicBatch, filterGroup, type DynamicBatch } from './dynamic-sampling';
import { loadTokenizedInstances, type TokenizedInstance } from './instance-loading';
import { InstanceStream, type StreamCursor } from './instance-stream';
import { learningRateAt, type LrScheduleSpec } from './lr-schedule';
import { SeededRng } from './seeded-rng';
import { runStageLoop, StepAborted } from './stage-loop';
import type { GrpoOptions } from './trainer-options';

interface Group {
  inst: TokenizedInstance;
  gen: Generation;
  rewards: (number | null)[];
  components: Record<string, number | null>[];
}

export class GrpoTrainer implements Trainer {
  readonly specVersion = TRAINER_SPEC_VERSION;
  constructor(
    readonly name: string,
    private readonly o: GrpoOptions,
  ) {}

  /** The reward this preset trains with when the recipe names none. */
  get defaultReward(): PluginRef {
    return this.o.reward;
  }

  /** Training instances; the target is the reference the rewards compare against. */
  instances(input: TrainerInstancesInput): Promise<TokenizedInstance[]> {
    const o = this.o;
    return loadTokenizedInstances({
      task: input.task,
      policy: input.policy,
      split: input.split ?? o.split,
      kind: input.kind ?? o.instances,
      limit: o.limit,
      maxPromptTokens: o.maxPromptTokens,
      logger: input.logger,
      report: input.report,
    });
  }

  async run(ctx: TrainerContext): Promise<StageResult> {
    const o = this.o;
    const { policy, logger, rewards } = ctx;
    const train = await this.instances({ task: ctx.task, policy, logger, report: ctx.reportInstances });
    const byId = new Map(train.map((t) => [t.instance.id, t]));
    const stream = new InstanceStream(
      train.map((t) => t.instance),
      ctx.seed + ctx.stage,
      true,
      ctx.resumeFrom?.data.cursor as StreamCursor | undefined,
    );
    const rngState = ctx.resumeFrom?.data.rng;
    const rng = rngState ? SeededRng.fromState(rngState) : new SeededRng((ctx.seed * 7919 + ctx.stage) >>> 0);
    const policyRng = ctx.resumeFrom?.data.policyRng;
    if (policyRng !== undefined) policy.setRngState(policyRng);
    const totalSteps = Math.max(1, Math.ceil((train.length * o.epochs) / o.batchSize));
    const schedule: LrScheduleSpec = { kind: o.schedule, lr: o.lr, warmup: o.warmup, warmupStyle: o.warmupStyle };
    const timing = { generation: 0, scoring: 0 };
    // KL to a frozen reference (k3): only built when β > 0, as the paper trains without it.
    let reference: FrozenPolicy | null = null;
    if (o.klBeta > 0) {
      if (!ctx.createReference)
        throw new SrlError('validation', `${this.name}: klBeta = ${o.klBeta} needs a reference policy, which this runner cannot create; set klBeta to 0`);
      reference = await ctx.createReference();
    }

    const clock = ctx.clock ?? systemClock;
    const sampleGroups = async (n: number): Promise<Group[]> => {
      const batch = stream.next(n).map((i) => byId.get(i.id)!);
      let t = clock.monotonic();
      // Prompts were tokenized once, when the instances were loaded: the policy samples from those ids.
      const gens = await policy.generate(
        batch.map((b) => ({ text: b.promptText, tokenIds: b.promptTokenIds })),
        { n: o.groupSize, temperature: o.temperature, topP: o.topP, maxTokens: o.maxTokens, ...(o.stop ? { stop: o.stop } : {}) },
      );
      timing.generation += clock.monotonic() - t;
      if (ctx.signal.aborted) throw new StepAborted();
      t = clock.monotonic();
      const inputs: RewardInput[] = batch.flatMap((b, i) =>
        gens[i].samples.map((s) => ({
          completion: s.text,
          reference: b.target,
          prompt: b.promptText,
          metadata: { ...b.instance.metadata, instanceId: b.instance.id },
        })),
      );
      const scored = await rewards.score(inputs);
      timing.scoring += clock.monotonic() - t;
      return batch.map((inst, i) => {
        const part = scored.slice(i * o.groupSize, (i + 1) * o.groupSize);
        return { inst, gen: gens[i], rewards: part.map((r) => r.reward), components: part.map((r) => r.components) };
      });
    };

    try {
      return await this.loop(ctx, { stream, rng, totalSteps, schedule, sampleGroups, timing, reference, clock });
    } finally {
      await reference?.dispose();
    }
  }

  private loop(
    ctx: TrainerContext,
    s: {
      stream: InstanceStream;
      rng: SeededRng;
      totalSteps: number;
      schedule: LrScheduleSpec;
      sampleGroups: (n: number) => Promise<Group[]>;
      timing: { generation: number; scoring: number };
      reference: FrozenPolicy | null;
      clock: { monotonic(): number };
    },
  ): Promise<StageResult> {
    const o = this.o;
    const { policy, logger } = ctx;
    const { stream, rng, totalSteps, schedule, sampleGroups, timing, reference, clock } = s;
    return runStageLoop(ctx, this.name, {
      totalSteps,
      checkpointEvery: o.checkpointEvery,
      validateEvery: o.validateEvery,
      ...(o.tokenBudget !== undefined ? { tokenBudget: o.tokenBudget } : {}),
      validation: { split: o.validationSplit ?? 'validation', limit: o.validationLimit, maxTokens: o.validationMaxTokens },
      snapshot: () => ({ cursor: stream.state(), rng: rng.state(), policyRng: policy.rngState() }),
      progressFields: (m) => ({ reward: m['reward/mean'] ?? null, kept: m.kept_groups ?? null, loss: m.loss ?? null }),
      step: async (step) => {
        timing.generation = 0;
        timing.scoring = 0;
        const all: Group[] = [];
        const batch = await fillDynamicBatch({
          batchSize: o.batchSize,
          maxRounds: o.dynamicSampling ? o.maxSamplingRounds : 1,
          maxOversample: o.maxOversample,
          sample: async (n) => {
            const groups = await sampleGroups(n);
            all.push(...groups);
            return groups;
          },
          keep: (g) => (o.dynamicSampling ? filterGroup(g.rewards, o.epsilon).keep : g.rewards.some((r) => r !== null)),
        });
        if (batch.capped)
          logger.log(
            'warn',
            `step ${step + 1}: dynamic sampling kept ${batch.kept.length}/${o.batchSize} groups after ${batch.rounds} rounds; training on what there is`,
          );
        if (ctx.signal.aborted) throw new StepAborted();

        const items: { item: TrainingItem; group: number }[] = [];
        batch.kept.forEach((g, gi) => {
          const adv = groupAdvantages(g.rewards, { scaleByStd: o.scaleAdvantagesByStd, std: o.advantageStd, epsilon: o.advantageEpsilon });
          g.gen.samples.forEach((s, si) => {
            const a = adv[si];
            if (a === null || s.tokenIds.length === 0) return;
            items.push({ group: gi, item: { promptTokenIds: g.gen.promptTokenIds, completionTokenIds: s.tokenIds, oldLogprobs: s.logprobs, advantage: a } });
          });
        });

        if (reference && items.length) {
          const refScores = await reference.score(
            items.map((x) => x.item),
            { temperature: o.temperature },
          );
          items.forEach((x, i) => (x.item.refLogprobs = refScores[i].logprobs));
        }
        const learningRate = learningRateAt(schedule, step, totalSteps);
        const t = clock.monotonic();
        const updates: { loss: number; gradNorm: number; clipFraction?: number; kl?: number; entropy?: number; skipped: boolean }[] = [];
        let trainedTokens = 0;
        const groupsPerUpdate = Math.max(1, Math.min(o.miniBatchSize ?? o.batchSize, batch.kept.length));
        for (let epoch = 0; epoch < o.ppoEpochs && items.length; epoch++) {
          const order = rng.shuffle(batch.kept.map((_, i) => i));
          for (let start = 0; start < order.length; start += groupsPerUpdate) {
            const chosen = new Set(order.slice(start, start + groupsPerUpdate));
            const mini = items.filter((x) => chosen.has(x.group)).map((x) => x.item);
            if (!mini.length) continue;
            // Tokens through the forward and backward pass (an experiment's budget counts them): a group's shared
            // prompt once, as the policy packs it, plus every completion.
            trainedTokens +=
              [...new Set(mini.map((x) => x.promptTokenIds))].reduce((a, p) => a + p.length, 0) + mini.reduce((a, x) => a + x.completionTokenIds.length, 0);
            const r = await policy.trainStep({
              objective: {
                kind: 'clipped-policy-gradient',
                clipLow: o.clipLow,
                clipHigh: o.clipHigh,
                klBeta: o.klBeta,
                aggregation: o.aggregation,
                klRatioCorrection: o.klRatioCorrection,
                temperature: o.temperature,
              },
              items: mini,
              learningRate,
              maxGradNorm: o.maxGradNorm,
              microBatchSize: o.microBatchSize,
              // Only the step's first update may be abandoned: after one is applied, stopping would leave half a step.
              ...(updates.length === 0 ? { signal: ctx.signal } : {}),
            });
            if (r.skipped) logger.log('warn', `step ${step + 1}: non-finite loss or gradient (loss ${r.loss}, grad norm ${r.gradNorm}); update skipped`);
            updates.push(r);
          }
        }
        const updateSeconds = (clock.monotonic() - t) / 1000;
        return this.metrics({ all, batch, updates, learningRate, updateSeconds, timing, epochs: stream.epochs, trainedTokens });
      },
    });
  }

  private metrics(m: {
    all: Group[];
    batch: DynamicBatch<Group>;
    updates: { loss: number; gradNorm: number; clipFraction?: number; kl?: number; entropy?: number; skipped: boolean }[];
    learningRate: number;
    updateSeconds: number;
    timing: { generation: number; scoring: number };
    epochs: number;
    trainedTokens: number;
  }): StepMetrics {
    const out: StepMetrics = {};
    const stats = (prefix: 'reward' | 'reward_kept' | `reward/${string}`, values: (number | null)[]): void => {
      const applied = values.filter((v): v is number => v !== null && Number.isFinite(v));
      out[`${prefix}/mean`] = applied.length ? mean(applied) : null;
      out[`${prefix}/std`] = applied.length ? populationStd(applied) : null;
      if (applied.length < values.length) out[`${prefix}/null_fraction`] = 1 - applied.length / values.length;
    };
    stats(
      'reward',
      m.all.flatMap((g) => g.rewards),
    );
    const componentNames = new Set(m.all.flatMap((g) => g.components.flatMap((c) => Object.keys(c))));
    for (const name of componentNames)
      stats(
        `reward/${name}`,
        m.all.flatMap((g) => g.components.map((c) => c[name] ?? null)),
      );
    stats(
      'reward_kept',
      m.batch.kept.flatMap((g) => g.rewards),
    );
    const lengths = m.all.flatMap((g) => g.gen.samples.map((s) => s.tokenIds.length));
    const generatedTokens = lengths.reduce((a, b) => a + b, 0);
    const done = m.updates.filter((u) => !u.skipped);
    const avg = (key: 'loss' | 'gradNorm' | 'clipFraction' | 'kl' | 'entropy'): number | null => {
      const v = done.map((u) => u[key]).filter((x): x is number => typeof x === 'number');
      return v.length ? mean(v) : null;
    };
    const fixed: StepMetrics = {
      kept_groups: m.batch.kept.length,
      generated_groups: m.batch.generated,
      filter_rate: m.batch.generated ? 1 - m.batch.accepted / m.batch.generated : 0,
      batch_fill: m.batch.kept.length / m.batch.target,
      sampling_rounds: m.batch.rounds,
      surplus_groups: m.batch.accepted - m.batch.kept.length,
      batch_capped: m.batch.capped ? 1 : 0,
      loss: avg('loss'),
      grad_norm: avg('gradNorm'),
      clip_fraction: avg('clipFraction'),
      kl: avg('kl'),
      entropy: avg('entropy'),
      updates: m.updates.length,
      skipped_updates: m.updates.length - done.length,
      lr: m.learningRate,
      'completion_length/mean': lengths.length ? mean(lengths) : 0,
      'completion_length/max': lengths.length ? Math.max(...lengths) : 0,
      finish_length_fraction: m.all.length ? m.all.flatMap((g) => g.gen.samples).filter((s) => s.finishReason === 'length').length / lengths.length : 0,
      'tokens/generated': generatedTokens,
      'tokens/trained': m.trainedTokens,
      'tokens/s': m.timing.generation > 0 ? generatedTokens / (m.timing.generation / 1000) : 0,
      'time/generation': m.timing.generation / 1000,
      'time/scoring': m.timing.scoring / 1000,
      'time/update': m.updateSeconds,
      epoch: m.epochs,
    };
    Object.assign(out, fixed);
    const sample = m.batch.kept[0] ?? m.all[0];
    if (sample)
      out.sample = {
        prompt: sample.inst.promptText.slice(-600),
        reference: sample.inst.instance.reference,
        completion: sample.gen.samples[0].text,
        reward: sample.rewards[0],
      };
    return out;
  }
}
