import type { WriteOptions } from '../resource-store.js';
import { fieldValidation, isDryRun, type RequestContext } from '../request-context.js';

export function writeOptions(ctx: RequestContext): WriteOptions {
  return { dryRun: isDryRun(ctx.query), validation: fieldValidation(ctx.query), warnings: ctx.warnings };
}
