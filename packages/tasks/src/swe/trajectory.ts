/** The canonical SWE trajectory types; they live in @srl/core so environments and rewards share them. */
export type { SweAction, SweStep, SweTrajectory } from '@srl/core';
