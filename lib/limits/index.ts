export * from './rate';
export * from './country';
export * from './day';
export * from './policy';
export * from './reasons';
export { limitKeys, DEFAULT_LIMITS_PREFIX, type LimitKeys } from './keys';
export * from './cap';
export * from './refusals';
export * from './identifiers';
