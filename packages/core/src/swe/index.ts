/** The SWE agent contract shared by readers, environments, rewards and agents: trajectories and the XML action form. */
export * from './swe-trajectory';
export * from './action-xml';
