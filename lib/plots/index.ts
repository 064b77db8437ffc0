// Charts of the simulator's traces (and the renderer the planner's chart shares): specs as data, SVG by Vega-Lite.
export * from './load-shape';
export * from './scaling-trace';
export * from './chart-spec';
export * from './render-svg';
