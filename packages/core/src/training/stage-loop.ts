import type { CheckpointInfo, TrainerState } from '../contracts/checkpoint-store';
import type { TrainerContext, StageResult, StageStopReason, ValidationResult } from '../contracts/trainer';
import type { StepMetrics } from '../metrics/metric-key';
import { isSrlError, SrlError } from '../errors';

/** This many optimizer steps in a row whose every update was skipped as non-finite fail the stage. */
const MAX_SKIPPED_IN_A_ROW = 3;

/** True when a step applied no update: every update it tried had a non-finite loss or gradient. */
function fullySkipped(m: StepMetrics): boolean {
  if (m.skipped_update === 1) return true;
  return typeof m.updates === 'number' && m.updates > 0 && m.skipped_updates === m.updates;
}

/** Lets pending signals (SIGINT, SIGTERM) and timers run: a step of synchronous tensor work otherwise hides them. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Thrown by a step that noticed the abort signal before changing any weights. */
export class StepAborted extends Error {
  constructor() {
    super('step aborted before the update');
  }
}

export interface LoopOptions {
  totalSteps: number;
  checkpointEvery: number;
  validateEvery: number;
  /**
   * End the stage, complete, after the step at which its `tokens/generated` + `tokens/trained` reach this.
   * The count is part of the checkpoint state, so a resumed stage continues it.
   */
  tokenBudget?: number;
  validation?: { split: string; limit?: number; maxTokens: number };
  /** Trainer-specific state (data cursor, RNG states) as of the start of the next step. */
  snapshot: () => Record<string, unknown>;
  /** Runs optimizer step `step` (0-based); returns its metrics. */
  step: (step: number) => Promise<StepMetrics>;
  /** Key figures for the progress bar. */
  progressFields: (metrics: StepMetrics) => Record<string, number | string | null>;
}

/** A step's tokens through the model: generated plus trained (what a token budget counts). */
function stepTokens(m: StepMetrics): number {
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return n(m['tokens/generated']) + n(m['tokens/trained']);
}

/** The token count a resumed stage continues from: saved in its checkpoint state (since the budget was added). */
function resumedTokens(ctx: TrainerContext, budget: number | undefined): number {
  const resumed = ctx.resumeFrom;
  if (!resumed) return 0;
  const saved = resumed.data.tokensSpent;
  if (typeof saved === 'number') return saved;
  if (budget !== undefined && resumed.step > 0)
    throw new SrlError(
      'validation',
      `stage ${ctx.stage}: tokenBudget is ${budget}, but the checkpoint at step ${resumed.step} has no token count (saved by an srl without token budgets), ` +
        'so the budget cannot be continued; restart the stage without --resume, or remove tokenBudget',
    );
  return 0;
}

/**
 * The loop every trainer shares: resume, steps, metrics lines, progress, periodic atomic
 * checkpoints, validation with best-checkpoint selection, and a clean stop on SIGINT/SIGTERM that
 * saves the state as of the last completed step. With `tokenBudget`, the stage ends (complete, with a
 * final checkpoint) after the step at which its generated + trained tokens reach the budget, so it
 * overshoots by less than one step's tokens.
 */
export async function runStageLoop(ctx: TrainerContext, trainerName: string, o: LoopOptions): Promise<StageResult> {
  const resumed = ctx.resumeFrom;
  const limit = ctx.maxSteps !== undefined ? Math.min(ctx.maxSteps, o.totalSteps) : o.totalSteps;
  let step = resumed?.step ?? 0;
  let best = (resumed?.data.best as { value: number; step: number } | undefined) ?? null;
  let validatedStep = (resumed?.data.validatedStep as number | undefined) ?? -1;
  let warnedNoSplit = false;
  let bestInfo: CheckpointInfo | null = null;
  let lastSaved: CheckpointInfo | null = null;
  let lastMetrics: StepMetrics = {};
  let snapshot = o.snapshot();
  let skippedInARow = 0;
  let tokensSpent = resumedTokens(ctx, o.tokenBudget);
  const budgetReached = (): boolean => o.tokenBudget !== undefined && tokensSpent >= o.tokenBudget;

  const state = (data: Record<string, unknown>): TrainerState => ({ stage: ctx.stage, step, data: { ...data, best, validatedStep, tokensSpent } });
  const save = async (tag: CheckpointInfo['tag']): Promise<CheckpointInfo> =>
    ctx.checkpoints.save({ stage: ctx.stage, step, tag }, state(snapshot), (dir) => ctx.policy.save(dir));
  const validate = async (): Promise<ValidationResult | null> => {
    // A stop request skips validation; the resumed run does it (validatedStep tells it is due).
    if (!o.validation || !ctx.validate || ctx.signal.aborted) return null;
    const result = await ctx.validate(o.validation);
    if (ctx.signal.aborted) return null;
    if (result === null && !warnedNoSplit) {
      warnedNoSplit = true;
      ctx.logger.log(
        'warn',
        `stage ${ctx.stage}: task ${ctx.task.name} has no "${o.validation.split}" split; validation and best-checkpoint selection are off (set validationSplit)`,
      );
    }
    validatedStep = step;
    if (result) {
      const figures: StepMetrics = { [`val/${result.metric}`]: result.value, 'val/problems': result.problems };
      ctx.logger.metrics({ stage: ctx.stage, trainer: trainerName, step, type: 'validation', ...figures });
    }
    return result;
  };
  const considerBest = async (result: ValidationResult | null): Promise<void> => {
    if (result && (best === null || result.value > best.value)) {
      best = { value: result.value, step };
      snapshot = o.snapshot();
      bestInfo = await save('best');
      ctx.logger.log('info', `stage ${ctx.stage} step ${step}: new best ${result.metric} = ${result.value.toFixed(4)}`);
    }
  };

  if (resumed) ctx.logger.log('info', `stage ${ctx.stage} (${trainerName}): resuming at step ${step}/${limit}`);
  const due = (): boolean => o.validateEvery > 0 && step % o.validateEvery === 0 && validatedStep !== step;
  if (due()) await considerBest(await validate());
  while (step < limit && !budgetReached()) {
    await yieldToEventLoop();
    if (ctx.signal.aborted) break;
    snapshot = o.snapshot();
    try {
      lastMetrics = await o.step(step);
    } catch (error) {
      // The trainer, or the policy between micro-batches, saw a stop request before changing any weights.
      if (error instanceof StepAborted || (isSrlError(error) && error.kind === 'aborted')) break;
      // A plugin (reward) failed before this step changed any weights: keep the last good step resumable.
      if (isSrlError(error) && error.kind === 'plugin' && lastSaved?.step !== step) {
        try {
          lastSaved = await save('latest');
          ctx.logger.log(
            'warn',
            `stage ${ctx.stage}: saved a checkpoint of the last good step (${step}) before failing; fix the cause and continue with --resume`,
          );
        } catch (saveError) {
          ctx.logger.log('warn', `stage ${ctx.stage}: could not save a checkpoint after the failure (${(saveError as Error).message})`);
        }
      }
      throw error;
    }
    step++;
    tokensSpent += stepTokens(lastMetrics);
    skippedInARow = fullySkipped(lastMetrics) ? skippedInARow + 1 : 0;
    if (skippedInARow >= MAX_SKIPPED_IN_A_ROW || (skippedInARow === step && step === o.totalSteps)) {
      // Nothing is saved: the last checkpoint before the divergence stays the latest.
      throw new SrlError(
        'runtime',
        `stage ${ctx.stage} (${trainerName}): ${skippedInARow} step${skippedInARow === 1 ? '' : 's'} in a row up to step ${step} skipped their update as non-finite (loss ${lastMetrics.loss}, grad norm ${lastMetrics.grad_norm}, lr ${lastMetrics.lr}); ` +
          'training has diverged. Lower "lr" (or keep "maxGradNorm" on), then restart the stage or resume from a checkpoint before the divergence',
      );
    }
    snapshot = o.snapshot();
    // Peak resident memory of the process so far, in bytes (a wasm heap never shrinks: the peak is paid for the run).
    const memory: StepMetrics = { 'memory/rss_peak': process.resourceUsage().maxRSS * 1024 };
    ctx.logger.metrics({ stage: ctx.stage, trainer: trainerName, step, ...lastMetrics, 'tokens/stage_total': tokensSpent, ...memory });
    ctx.logger.progress({ label: `stage ${ctx.stage} ${trainerName}`, current: step, total: limit, fields: o.progressFields(lastMetrics) });
    if (due()) await considerBest(await validate());
    if (o.checkpointEvery > 0 && step % o.checkpointEvery === 0 && step < limit && !budgetReached()) lastSaved = await save('latest');
  }
  const byBudget = budgetReached();
  const interrupted = step < limit && !byBudget;
  // --max-steps cut the stage short: it is resumable to its full length, so it gets neither the
  // end-of-stage validation nor a `final` checkpoint (the resumed run does both, as an uninterrupted one would).
  // A reached token budget ends the stage as its full length would.
  const complete = step >= o.totalSteps || byBudget;
  const stopReason: StageStopReason = byBudget ? 'token-budget' : complete ? 'steps' : interrupted ? 'interrupted' : 'max-steps';
  if (byBudget)
    ctx.logger.log(
      'info',
      `stage ${ctx.stage} (${trainerName}): token budget reached at step ${step}/${o.totalSteps}: ${tokensSpent} of ${o.tokenBudget} tokens (generated + trained)`,
    );
  if (complete && o.validateEvery > 0 && validatedStep !== step) await considerBest(await validate());
  // Always leave a resumable checkpoint: on a clean stop (Ctrl-C) and at the end.
  if (lastSaved?.step !== step) lastSaved = await save('latest');
  const final = complete ? await save('final') : null;
  if (!bestInfo && best) bestInfo = (await ctx.checkpoints.latest('best'))?.info ?? null;
  const numeric = Object.fromEntries(Object.entries(lastMetrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
  return {
    steps: step,
    totalSteps: o.totalSteps,
    final,
    latest: lastSaved,
    best: bestInfo,
    interrupted,
    metrics: { ...numeric, ...(best ? { best_validation: best.value } : {}) },
    stopReason,
    tokensSpent,
  };
}
