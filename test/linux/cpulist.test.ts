import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCpuList } from '../../src/linux/cpulist.js';

test('kernel CPU lists: ranges, singles, isolcpus flags, empty lists and bad input', () => {
  assert.deepEqual(parseCpuList('0-3,8,10-11\n'), { ok: true, cpus: [0, 1, 2, 3, 8, 10, 11] });
  assert.deepEqual(parseCpuList('3,1,1-2'), { ok: true, cpus: [1, 2, 3] });
  assert.deepEqual(parseCpuList('domain,managed_irq,2-3', { allowFlags: true }), { ok: true, cpus: [2, 3] });
  assert.equal(parseCpuList('domain,2-3').ok, false, 'flags only where isolcpus= allows them');
  assert.deepEqual(parseCpuList('\n', { allowEmpty: true }), { ok: true, cpus: [] });
  assert.deepEqual(parseCpuList(''), { ok: false, reason: 'empty CPU list' });
  assert.deepEqual(parseCpuList('3-1'), { ok: false, reason: 'CPU range 3-1 is out of order or too large' });
  assert.equal(parseCpuList('0-8192').ok, false);
  assert.equal(parseCpuList('0-7', { maxCpu: 3 }).ok, false);
  assert.equal(parseCpuList('1;2').ok, false);
});

test('kernel CPU lists: any text gives a result, never an exception; results ascend without repeats', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      const result = parseCpuList(text, { allowEmpty: true, allowFlags: true });
      if (result.ok) for (let i = 1; i < result.cpus.length; i++) assert.ok((result.cpus[i] as number) > (result.cpus[i - 1] as number));
    }),
  );
});
