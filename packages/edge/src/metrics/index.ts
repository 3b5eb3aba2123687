export { registerEdgeMetrics, type EdgeMetricSources } from './edge-metrics.js';
