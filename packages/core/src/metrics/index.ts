export { createMetricsRegistry, serveMetrics, metricsServerModule, Counter, Gauge, Histogram, Registry, type MetricsServerOptions } from './registry.js';
