export * from './spool.js';
