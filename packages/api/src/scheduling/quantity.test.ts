import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from './quantity.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * 1e-12, `${actual} != ${expected}`);

describe('parseQuantity', () => {
  it('reads plain numbers in every number form', () => {
    assert.equal(parseQuantity('2'), 2);
    assert.equal(parseQuantity('0'), 0);
    assert.equal(parseQuantity('1.5'), 1.5);
    assert.equal(parseQuantity('1.'), 1);
    assert.equal(parseQuantity('.5'), 0.5);
    assert.equal(parseQuantity('007'), 7);
  });

  it('reads signs', () => {
    assert.equal(parseQuantity('+3'), 3);
    assert.equal(parseQuantity('-3'), -3);
    assert.equal(parseQuantity('-1.5Gi'), -1.5 * 2 ** 30);
    assert.equal(parseQuantity('+500m'), 0.5);
  });

  it('reads every decimal SI suffix', () => {
    close(parseQuantity('1n'), 1e-9);
    close(parseQuantity('1u'), 1e-6);
    assert.equal(parseQuantity('100m'), 0.1);
    assert.equal(parseQuantity('1k'), 1e3);
    assert.equal(parseQuantity('1M'), 1e6);
    assert.equal(parseQuantity('1G'), 1e9);
    assert.equal(parseQuantity('1T'), 1e12);
    assert.equal(parseQuantity('1P'), 1e15);
    assert.equal(parseQuantity('1E'), 1e18);
    assert.equal(parseQuantity('2.5G'), 2.5e9);
  });

  it('reads every binary SI suffix', () => {
    assert.equal(parseQuantity('1Ki'), 2 ** 10);
    assert.equal(parseQuantity('500Mi'), 500 * 2 ** 20);
    assert.equal(parseQuantity('1Gi'), 2 ** 30);
    assert.equal(parseQuantity('1Ti'), 2 ** 40);
    assert.equal(parseQuantity('1Pi'), 2 ** 50);
    assert.equal(parseQuantity('1Ei'), 2 ** 60);
    assert.equal(parseQuantity('.5Ki'), 512);
  });

  it('reads decimal exponents with either case and a signed exponent', () => {
    assert.equal(parseQuantity('1e3'), 1000);
    assert.equal(parseQuantity('1E3'), 1000);
    assert.equal(parseQuantity('1e+3'), 1000);
    close(parseQuantity('1e-3'), 0.001);
    assert.equal(parseQuantity('1.5e2'), 150);
    assert.equal(parseQuantity('-2E1'), -20);
    assert.equal(parseQuantity('1.e1'), 10);
  });

  it('accepts the JSON number form', () => {
    assert.equal(parseQuantity(4), 4);
    assert.equal(parseQuantity(0.25), 0.25);
    assert.ok(Number.isNaN(parseQuantity(Infinity)));
  });

  it('is NaN for anything outside the grammar', () => {
    for (const bad of ['', 'abc', '.', '+', '-', '1K', '1k1', '1e', '1e3Ki', '1ei', '1Kib', '1i', '1.1.1', '1 ', ' 1', '1 Gi', '1mi', '1e1.5', '1Gi2', '--1', 'e3', 'Gi']) {
      assert.ok(Number.isNaN(parseQuantity(bad)), JSON.stringify(bad));
    }
    for (const bad of [undefined, null, true, {}, ['1']]) assert.ok(Number.isNaN(parseQuantity(bad)), String(bad));
  });
});
