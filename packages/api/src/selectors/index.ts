export * from './label-selector.js';
export * from './field-selector.js';
