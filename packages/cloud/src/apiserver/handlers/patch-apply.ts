import { ApiError, badRequest, type KubeObject } from '@kedge/api';
import { applyJsonPatch, jsonMergePatch, strategicMergePatch } from '@kedge/api/patch/index.js';
import type { ResourceDef } from '../registry/types.js';

export type PatchKind = 'merge' | 'json' | 'strategic' | 'apply';

export function patchKindOf(mediaType: string): PatchKind {
  switch (mediaType) {
    case 'application/merge-patch+json': return 'merge';
    case 'application/json-patch+json': return 'json';
    case 'application/strategic-merge-patch+json': return 'strategic';
    case 'application/apply-patch+yaml': return 'apply';
    default:
      throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
}

/** Applies a decoded patch document to a copy of `target` (pure; bad patches throw ApiErrors). */
export function applyPatchDoc(kind: PatchKind, def: ResourceDef | undefined, target: KubeObject, patch: unknown): KubeObject {
  switch (kind) {
    case 'json':
      if (!Array.isArray(patch)) throw badRequest('json patch must be a JSON array of operations');
      return applyJsonPatch(target, patch as never) as KubeObject;
    case 'merge':
    case 'apply':
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('merge patch must be a JSON object');
      return jsonMergePatch(target, patch) as KubeObject;
    case 'strategic':
      if (def && !def.strategicMerge) {
        throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
      }
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('strategic merge patch must be a JSON object');
      return strategicMergePatch(target, patch as never, def?.schema, def?.components ?? {}) as KubeObject;
  }
}
