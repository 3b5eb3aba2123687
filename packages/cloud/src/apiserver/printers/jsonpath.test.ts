import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evalJsonPath } from './jsonpath.js';

describe('evalJsonPath', () => {
  const obj = {
    metadata: { name: 'x', labels: { 'a.b/c': 'v' } },
    spec: { nodeName: 'n1', list: [{ v: 1 }, { v: 2 }] },
    status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] },
  };
  it('evaluates the printer-column subset', () => {
    assert.equal(evalJsonPath(obj, '.spec.nodeName'), 'n1');
    assert.equal(evalJsonPath(obj, '{.metadata.name}'), 'x');
    assert.equal(evalJsonPath(obj, '.spec.list[1].v'), 2);
    assert.equal(evalJsonPath(obj, '.spec.list[-1].v'), 2);
    assert.equal(evalJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status'), 'True');
    assert.equal(evalJsonPath(obj, ".status.conditions[?(@.type=='Synced')].status"), 'False');
    assert.equal(evalJsonPath(obj, ".metadata.labels['a.b/c']"), 'v');
    assert.equal(evalJsonPath(obj, '.status.missing.deeper'), undefined);
    assert.equal(evalJsonPath(obj, '.status.conditions[?(@.type=="Nope")].status'), undefined);
  });
});
