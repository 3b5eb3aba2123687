export { packageDefinitionFromText } from './proto-text.js';
