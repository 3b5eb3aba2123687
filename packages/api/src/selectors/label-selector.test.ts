import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '../errors.js';
import {
  formatLabelSelector, formatLabels, isEmptySelector, labelSelectorFromMeta, labelSelectorString, matchLabels, parseLabelSelector,
} from './label-selector.js';

const badRequest = (e: unknown) => isApiError(e) && e.reason === 'BadRequest' && e.code === 400 && /unable to parse requirement/.test(e.message);

describe('parseLabelSelector', () => {
  it('parses every operator and splits on commas outside parentheses', () => {
    const sel = parseLabelSelector(' app = web , tier in (a, b),env notin (prod),x,!y,k==v,z!=1 ');
    assert.deepEqual(sel.requirements.map((r) => [r.key, r.operator, r.values]), [
      ['app', '=', ['web']],
      ['env', 'notin', ['prod']],
      ['k', '==', ['v']],
      ['tier', 'in', ['a', 'b']],
      ['x', 'exists', []],
      ['y', '!', []],
      ['z', '!=', ['1']],
    ]);
  });

  it('matches like upstream', () => {
    const m = (s: string, l?: Record<string, string>) => matchLabels(parseLabelSelector(s), l);
    assert.equal(m('', undefined), true);
    assert.equal(m('app=web', { app: 'web' }), true);
    assert.equal(m('app==web', { app: 'db' }), false);
    assert.equal(m('app!=web', {}), true, 'missing key satisfies !=');
    assert.equal(m('app!=web', { app: 'web' }), false);
    assert.equal(m('t in (a,b)', { t: 'b' }), true);
    assert.equal(m('t in (a,b)', {}), false);
    assert.equal(m('t notin (a,b)', {}), true);
    assert.equal(m('t notin (a,b)', { t: 'a' }), false);
    assert.equal(m('t', { t: '' }), true);
    assert.equal(m('!t', { t: '' }), false);
    assert.equal(m('app=web,!canary', { app: 'web', canary: 'x' }), false);
    assert.equal(m('a=', { a: '' }), true, 'empty value is legal');
    assert.equal(m('example.com/role in (edge)', { 'example.com/role': 'edge' }), true);
    assert.equal(m('n>5', { n: '7' }), true);
    assert.equal(m('n<5', { n: '7' }), false);
  });

  it('rejects bad syntax, keys and values with BadRequest', () => {
    for (const s of ['a in (x', 'a=b=c', 'a in x', '-bad=1', 'a=b c', 'a=-b-', 'UPPER.com/x=1', 'a,,b', 'a in (x y)', '=b', 'x'.repeat(64)]) {
      assert.throws(() => parseLabelSelector(s), badRequest, s);
    }
  });
});

describe('labelSelectorFromMeta', () => {
  it('null matches nothing, empty matches everything', () => {
    assert.equal(matchLabels(labelSelectorFromMeta(undefined), {}), false);
    assert.equal(matchLabels(labelSelectorFromMeta(null), { a: 'b' }), false);
    assert.equal(isEmptySelector(labelSelectorFromMeta(undefined)), false);
    assert.equal(matchLabels(labelSelectorFromMeta({}), { a: 'b' }), true);
    assert.equal(isEmptySelector(labelSelectorFromMeta({})), true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const sel = labelSelectorFromMeta({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'old', operator: 'DoesNotExist' }],
    });
    assert.equal(matchLabels(sel, { app: 'web', tier: 'a' }), true);
    assert.equal(matchLabels(sel, { app: 'web', tier: 'a', old: '1' }), false);
    assert.equal(matchLabels(sel, { app: 'web', tier: 'c' }), false);
  });

  it('rejects an unknown operator or In without values', () => {
    assert.throws(() => labelSelectorFromMeta({ matchExpressions: [{ key: 'a', operator: 'Gt' as 'In' }] }), badRequest);
    assert.throws(() => labelSelectorFromMeta({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), badRequest);
  });

  it('formats as Selector.String()', () => {
    assert.equal(formatLabelSelector({ matchLabels: { tier: 'x', app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['b', 'a'] }, { key: 'z', operator: 'Exists' }] }),
      'app=web,env notin (a,b),tier=x,z');
    assert.equal(formatLabelSelector({}), '');
    assert.equal(labelSelectorString(parseLabelSelector('b,!a')), '!a,b');
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels(undefined), '<none>');
  });
});
