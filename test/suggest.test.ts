import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, editDistance, nearest } from '../src/suggest.js';

test('edit distance counts an adjacent swap as one edit', () => {
  assert.equal(editDistance('quantum', 'quantum'), 0);
  assert.equal(editDistance('quantum', 'qunatum'), 1);
  assert.equal(editDistance('rate', 'quantum'), 5);
  assert.equal(editDistance('', 'abc'), 3);
});

test('nearest matches a dotted key on its last part and refuses wild guesses', () => {
  const keys = ['pipewire.rate', 'pipewire.quantum', 'pipewire.minQuantum', 'kernel.mode'];
  assert.deepEqual(nearest('quantum', keys), ['pipewire.quantum']);
  assert.deepEqual(nearest('pipewire.quantm', keys), ['pipewire.quantum']);
  assert.deepEqual(nearest('colour', keys), []);
  assert.deepEqual(nearest('pipewire.latency', keys), [], 'latency is not a typo of rate');
  assert.equal(didYouMean('rtt', ['rt', 'rtl', 'xruns']), ' (did you mean rt or rtl?)');
  assert.equal(didYouMean('zzz', ['rt']), '');
});
