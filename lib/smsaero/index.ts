export * from './usage-types';
export * from './connector-config';
export * from './template';
export * from './status';
export * from './client';
export * from './callback';
export * from './check-config';
export { describeJsonSyntaxError } from './json-syntax';
