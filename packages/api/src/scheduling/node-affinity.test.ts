import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { nodeMatchesSelectorAndAffinity, nodeSelectorTermMatches, type NodeSelectorRequirement, type NodeSelectorTerm } from './node-affinity.js';

const node: KubeObject = { metadata: { name: 'n1', labels: { zone: 'a', gen: '5', big: '9223372036854775806', empty: '' } } };
const bare: KubeObject = { metadata: { name: 'n2' } };
const expr = (key: string, operator: string, values?: string[]): NodeSelectorTerm => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
const field = (operator: string, values?: string[], key = 'metadata.name'): NodeSelectorTerm => ({ matchFields: [{ key, operator, ...(values ? { values } : {}) }] });
const affinity = (...terms: NodeSelectorTerm[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

describe('nodeSelectorTermMatches', () => {
  it('In / NotIn', () => {
    assert.ok(nodeSelectorTermMatches(expr('zone', 'In', ['b', 'a']), node));
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'In', ['b']), node));
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'In', ['a']), bare), 'In needs the label');
    assert.ok(nodeSelectorTermMatches(expr('empty', 'In', ['']), node));
    assert.ok(nodeSelectorTermMatches(expr('zone', 'NotIn', ['b']), node));
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'NotIn', ['a', 'b']), node));
    assert.ok(nodeSelectorTermMatches(expr('zone', 'NotIn', ['a']), bare), 'NotIn holds without the label');
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'In', []), node), 'In without values is invalid');
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'NotIn', []), bare), 'NotIn without values is invalid');
  });

  it('Exists / DoesNotExist', () => {
    assert.ok(nodeSelectorTermMatches(expr('zone', 'Exists'), node));
    assert.ok(nodeSelectorTermMatches(expr('empty', 'Exists'), node), 'an empty label value exists');
    assert.ok(!nodeSelectorTermMatches(expr('x', 'Exists'), node));
    assert.ok(nodeSelectorTermMatches(expr('x', 'DoesNotExist'), node));
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'DoesNotExist'), node));
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'Exists', ['a']), node), 'Exists with values is invalid');
    assert.ok(!nodeSelectorTermMatches(expr('x', 'DoesNotExist', ['a']), node), 'DoesNotExist with values is invalid');
    assert.ok(!nodeSelectorTermMatches(expr('toString', 'Exists'), node), 'only own labels exist');
    assert.ok(nodeSelectorTermMatches(expr('constructor', 'DoesNotExist'), node));
  });

  it('Gt / Lt compare int64 integers', () => {
    assert.ok(nodeSelectorTermMatches(expr('gen', 'Gt', ['4']), node));
    assert.ok(!nodeSelectorTermMatches(expr('gen', 'Gt', ['5']), node));
    assert.ok(nodeSelectorTermMatches(expr('gen', 'Lt', ['6']), node));
    assert.ok(!nodeSelectorTermMatches(expr('gen', 'Lt', ['4']), node));
    assert.ok(nodeSelectorTermMatches(expr('gen', 'Gt', ['-1']), node));
    assert.ok(nodeSelectorTermMatches(expr('gen', 'Lt', ['+6']), node), 'ParseInt accepts a plus sign');
    assert.ok(nodeSelectorTermMatches(expr('big', 'Gt', ['9223372036854775805']), node), 'exact beyond 2^53');
    assert.ok(!nodeSelectorTermMatches(expr('big', 'Gt', ['9223372036854775806']), node));
    assert.ok(!nodeSelectorTermMatches(expr('gen', 'Lt', ['9223372036854775808']), node), 'out of int64 range is invalid');
    assert.ok(!nodeSelectorTermMatches(expr('x', 'Gt', ['1']), node), 'missing label');
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'Gt', ['1']), node), 'non-integer label');
    assert.ok(!nodeSelectorTermMatches({ matchExpressions: [{ key: 'v', operator: 'Gt', values: ['1'] }] }, { metadata: { name: 'n', labels: { v: '5abc' } } }), 'no prefix parsing');
    assert.ok(!nodeSelectorTermMatches({ matchExpressions: [{ key: 'v', operator: 'Lt', values: ['9'] }] }, { metadata: { name: 'n', labels: { v: '1.5' } } }));
    assert.ok(!nodeSelectorTermMatches(expr('gen', 'Gt', ['1.5']), node), 'non-integer value is invalid');
    assert.ok(!nodeSelectorTermMatches(expr('gen', 'Gt', ['1', '2']), node), 'Gt needs exactly one value');
    assert.ok(!nodeSelectorTermMatches(expr('gen', 'Lt', []), node));
  });

  it('unknown operators match nothing', () => {
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'in', ['a']), node));
    assert.ok(!nodeSelectorTermMatches(expr('zone', 'Equals', ['a']), node));
  });

  it('matchFields supports metadata.name with In / NotIn and one value', () => {
    assert.ok(nodeSelectorTermMatches(field('In', ['n1']), node));
    assert.ok(!nodeSelectorTermMatches(field('In', ['n2']), node));
    assert.ok(nodeSelectorTermMatches(field('NotIn', ['n2']), node));
    assert.ok(!nodeSelectorTermMatches(field('NotIn', ['n1']), node));
    assert.ok(!nodeSelectorTermMatches(field('In', ['n1', 'n2']), node), 'exactly one value');
    assert.ok(!nodeSelectorTermMatches(field('Exists'), node));
    assert.ok(!nodeSelectorTermMatches(field('In', ['a'], 'metadata.labels.zone'), node), 'only metadata.name is a node field');
  });

  it('ANDs the requirements of a term; an empty term matches nothing', () => {
    const both = (name: string, zone: string): NodeSelectorTerm => ({
      matchExpressions: [{ key: 'zone', operator: 'In', values: [zone] }, { key: 'gen', operator: 'Gt', values: ['4'] }],
      matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }],
    });
    assert.ok(nodeSelectorTermMatches(both('n1', 'a'), node));
    assert.ok(!nodeSelectorTermMatches(both('n2', 'a'), node));
    assert.ok(!nodeSelectorTermMatches(both('n1', 'b'), node));
    assert.ok(!nodeSelectorTermMatches({}, node));
    assert.ok(!nodeSelectorTermMatches({ matchExpressions: [], matchFields: [] }, node));
  });
});

describe('nodeMatchesSelectorAndAffinity', () => {
  it('matches when the spec constrains nothing', () => {
    assert.ok(nodeMatchesSelectorAndAffinity(undefined, node));
    assert.ok(nodeMatchesSelectorAndAffinity({}, bare));
    assert.ok(nodeMatchesSelectorAndAffinity({ nodeSelector: {}, affinity: { nodeAffinity: {} } }, bare));
  });

  it('nodeSelector needs every label equal', () => {
    assert.ok(nodeMatchesSelectorAndAffinity({ nodeSelector: { zone: 'a', gen: '5' } }, node));
    assert.ok(!nodeMatchesSelectorAndAffinity({ nodeSelector: { zone: 'b' } }, node));
    assert.ok(!nodeMatchesSelectorAndAffinity({ nodeSelector: { zone: 'a', x: '' } }, node), 'an empty value still needs the label');
    assert.ok(nodeMatchesSelectorAndAffinity({ nodeSelector: { empty: '' } }, node));
  });

  it('ORs the required terms; an empty list matches nothing', () => {
    assert.ok(nodeMatchesSelectorAndAffinity(affinity(expr('x', 'Exists'), field('In', ['n1'])), node));
    assert.ok(!nodeMatchesSelectorAndAffinity(affinity(expr('x', 'Exists'), field('In', ['n2'])), node));
    assert.ok(nodeMatchesSelectorAndAffinity(affinity({}, expr('zone', 'In', ['a'])), node), 'an empty term does not spoil the others');
    assert.ok(!nodeMatchesSelectorAndAffinity(affinity(), node));
  });

  it('requires nodeSelector AND affinity', () => {
    const req: NodeSelectorRequirement = { key: 'gen', operator: 'Lt', values: ['9'] };
    assert.ok(nodeMatchesSelectorAndAffinity({ nodeSelector: { zone: 'a' }, ...affinity({ matchExpressions: [req] }) }, node));
    assert.ok(!nodeMatchesSelectorAndAffinity({ nodeSelector: { zone: 'b' }, ...affinity({ matchExpressions: [req] }) }, node));
    assert.ok(!nodeMatchesSelectorAndAffinity({ nodeSelector: { zone: 'a' }, ...affinity(expr('zone', 'DoesNotExist')) }, node));
  });
});
