export * from './model';
export * from './phone';
export * from './errors';
export { deliveryKeys, DEFAULT_KEY_PREFIX, minuteBucket, hourBucket, type DeliveryKeys } from './keys';
export { TTD_BOUNDS_MS, quantileFromHistogram, type HistogramBucket } from './histogram';
export { sanitizeFields, REDACTED } from './fields';
export { planStats, aggregateStats, type DeliveryStats, type StatsBucket, type StatsQuery } from './stats';
export * from './store';
