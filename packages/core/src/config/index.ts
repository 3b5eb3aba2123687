export * from './config-layers.js';
