import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAsoundCards, parseCpuInfo } from '../../src/report/identity.js';

// Verbatim /proc/asound/cards of a laptop with a USB interface, and of a machine without ALSA cards.
const CARDS = ` 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 33
 1 [USB            ]: USB-Audio - Scarlett 2i2 USB
                      Focusrite Scarlett 2i2 USB at usb-0000:00:14.0-2, high speed
29 [ThinkPadEC     ]: ThinkPad EC - ThinkPad Console Audio Control
                      ThinkPad Console Audio Control at EC reg 0x30, fw unknown
`;

test('/proc/asound/cards: index, id, driver, name and the long name line', () => {
  const parsed = parseAsoundCards(CARDS);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value[1], {
    index: 1,
    id: 'USB',
    driver: 'USB-Audio',
    name: 'Scarlett 2i2 USB',
    longName: 'Focusrite Scarlett 2i2 USB at usb-0000:00:14.0-2, high speed',
  });
  assert.equal(parsed.value.length, 3);
  assert.equal(parsed.value[2]?.index, 29);
  assert.deepEqual(parseAsoundCards('--- no soundcards ---\n'), { ok: true, value: [] });
  assert.equal(parseAsoundCards('garbage\n').ok, false);
});

test('/proc/cpuinfo: x86 model name and CPU count; ARM boards without "model name"', () => {
  const x86 = 'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel\t\t: 1\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel\t\t: 1\nmodel name\t: AMD EPYC\n';
  assert.deepEqual(parseCpuInfo(x86), { ok: true, value: { model: 'AMD EPYC', logicalCpus: 2 } });
  const arm = 'processor\t: 0\nBogoMIPS\t: 108.00\n\nprocessor\t: 1\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n';
  assert.deepEqual(parseCpuInfo(arm), { ok: true, value: { model: 'BCM2835', logicalCpus: 2 } });
  assert.equal(parseCpuInfo('').ok, false);
});

test('identity parsers return a typed result for any bytes, never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      const text = Buffer.from(bytes).toString('latin1');
      for (const result of [parseAsoundCards(text), parseCpuInfo(text)]) {
        assert.equal(typeof result.ok, 'boolean');
        if (!result.ok) assert.equal(typeof result.error, 'string');
      }
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(40), fc.string(), fc.string(), fc.string())), (rows) => {
      const text = rows.map(([index, id, driver, name]) => `${index} [${id.replace(/\]/g, '')}]: ${driver.replace(/\s/g, '') || 'x'} - ${name}\n`).join('');
      const parsed = parseAsoundCards(text);
      assert.equal(typeof parsed.ok, 'boolean');
    }),
  );
});
