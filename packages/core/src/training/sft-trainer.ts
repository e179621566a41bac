/**
 * SFT: masked cross-entropy on the completion tokens (SRL paper's SFT baseline, App. B.1: lr 5e-6,
 * batch 64, cosine schedule with 0.3 warmup, 3 epochs). Trains on whole solutions (`instances: "sft"`)
 * or on step-wise instances (`"srl"`), whose target can be wrapped by `completionTemplate`.
 */
import { systemClock } from '../contracts/clock';
import type { TrainingItem } from '../contracts/policy';
import type { StepMetrics } from '../metrics/metric-key';
import type { StageResult, Trainer, TrainerContext, TrainerInstancesInput } from '../contracts/trainer';
import { TRAINER_SPEC_VERSION } from '../contracts/trainer';
import { loadTokenizedInstances, renderCompletion, type TokenizedInstance } from './instance-loading';
import { InstanceStream, type StreamCursor } from './instance-stream';
import { learningRateAt, type LrScheduleSpec } from './lr-schedule';
import { runStageLoop } from './stage-loop';
import type { SftOptions } from './trainer-options';

export class SftTrainer implements Trainer {
  readonly specVersion = TRAINER_SPEC_VERSION;
  readonly name = 'sft';

  constructor(private readonly o: SftOptions) {}

  private toItem(policy: TrainerContext['policy'], t: TokenizedInstance): TrainingItem {
    const completion = policy.tokenize(t.target);
    if (policy.eosTokenId !== null) completion.push(policy.eosTokenId);
    return { promptTokenIds: t.promptTokenIds, completionTokenIds: completion.slice(0, this.o.maxCompletionTokens) };
  }

  /** Training instances; the target is the completion template filled with the reference. */
  async instances(input: TrainerInstancesInput & { limit?: number }): Promise<TokenizedInstance[]> {
    const o = this.o;
    const kinds = input.kind ? [input.kind] : o.instances === 'sft+srl' ? (['sft', 'srl'] as const) : [o.instances];
    const parts = await Promise.all(
      kinds.map((kind) =>
        loadTokenizedInstances({
          task: input.task,
          policy: input.policy,
          split: input.split ?? o.split,
          kind,
          limit: 'limit' in input ? input.limit : o.limit,
          maxPromptTokens: o.maxPromptTokens,
          logger: input.logger,
          target: (instance) => renderCompletion(o.completionTemplate, instance),
          report: input.report,
        }),
      ),
    );
    return parts.flat();
  }

  async run(ctx: TrainerContext): Promise<StageResult> {
    const o = this.o;
    const { policy, logger } = ctx;
    const report = ctx.reportInstances;
    const train = await this.instances({ task: ctx.task, policy, logger, report });
    const heldOut =
      o.validationSplit && ctx.task.splits().includes(o.validationSplit)
        ? await this.instances({ task: ctx.task, policy, logger, split: o.validationSplit, limit: o.validationLimit, report })
        : [];
    const stream = new InstanceStream(
      train.map((t) => t.instance),
      ctx.seed + ctx.stage,
      true,
      ctx.resumeFrom?.data.cursor as StreamCursor | undefined,
    );
    // Tokenized once: each step only looks its items up.
    const itemsById = new Map(train.map((t) => [t.instance.id, this.toItem(policy, t)]));
    const heldOutItems = heldOut.map((t) => this.toItem(policy, t));
    const totalSteps = Math.max(1, Math.ceil((train.length * o.epochs) / o.batchSize));
    const schedule: LrScheduleSpec = { kind: o.schedule, lr: o.lr, warmup: o.warmup, warmupStyle: o.warmupStyle };
    const clock = ctx.clock ?? systemClock;

    const validationLoss = async (): Promise<number | undefined> => {
      if (!heldOutItems.length) return undefined;
      const scores = await policy.score(heldOutItems);
      let nll = 0;
      let n = 0;
      for (const s of scores) for (const lp of s.logprobs) (nll -= lp), n++;
      return nll / Math.max(1, n);
    };

    return runStageLoop(ctx, this.name, {
      totalSteps,
      checkpointEvery: o.checkpointEvery,
      validateEvery: o.validateEvery,
      ...(o.tokenBudget !== undefined ? { tokenBudget: o.tokenBudget } : {}),
      validation: { split: o.validationSplit ?? 'validation', limit: o.validationLimit, maxTokens: o.validationMaxTokens },
      snapshot: () => ({ cursor: stream.state(), policyRng: policy.rngState() }),
      progressFields: (m) => ({ loss: m.loss ?? null, lr: m.lr ?? null }),
      step: async (step) => {
        const started = clock.monotonic();
        const items = stream.next(o.batchSize).map((inst) => itemsById.get(inst.id)!);
        const learningRate = learningRateAt(schedule, step, totalSteps);
        const result = await policy.trainStep({
          objective: { kind: 'cross-entropy' },
          items,
          learningRate,
          maxGradNorm: o.maxGradNorm,
          microBatchSize: o.microBatchSize,
          signal: ctx.signal,
        });
        if (result.skipped)
          logger.log('warn', `step ${step + 1}: non-finite loss or gradient (loss ${result.loss}, grad norm ${result.gradNorm}); update skipped`);
        const seconds = (clock.monotonic() - started) / 1000;
        const metrics: StepMetrics = {
          loss: result.loss,
          grad_norm: result.gradNorm,
          skipped_update: result.skipped ? 1 : 0,
          lr: learningRate,
          tokens: result.tokens,
          // Prompt + completion tokens through the forward and backward pass (an experiment's budget counts them).
          'tokens/trained': items.reduce((a, i) => a + i.promptTokenIds.length + i.completionTokenIds.length, 0),
          'tokens/s': result.tokens / seconds,
          epoch: stream.epochs,
          'time/update': seconds,
        };
        if (o.validateEvery > 0 && (step + 1) % o.validateEvery === 0) {
          const loss = await validationLoss();
          if (loss !== undefined) metrics.val_loss = loss;
        }
        return metrics;
      },
    });
  }
}
