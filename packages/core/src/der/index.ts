export * from './der.js';
