import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyBinary, applyUnary, atType, sameValue } from '../src/events/symbolic.js';
import { parseRiscvLitmus } from '../src/frontend/riscv/index.js';

test('64-bit values: an operation with a bigint operand wraps at 64 bits, signed', () => {
  assert.equal(applyBinary('+', 0x7fffffffffffffffn, 1), -0x8000000000000000n);
  assert.equal(applyBinary('<<', 1n, 40n), 1n << 40n);
  // C and BPF values stay 32-bit numbers.
  assert.equal(applyBinary('<<', 1, 40), 1 << 40);
  assert.equal(applyBinary('>>>', -1n, 60n), 15n);
  assert.equal(applyBinary('<u', -1n, 1n), 0n);
  assert.equal(applyBinary('<', -1n, 1n), 1n);
});

test('64-bit values: width casts keep the low bits, sign- or zero-extended', () => {
  assert.equal(applyUnary('sext8', 0xffn), -1n);
  assert.equal(applyUnary('zext8', -1n), 255n);
  assert.equal(applyUnary('sext32', 0xffffffffn), -1n);
  assert.equal(applyUnary('zext32', -1n), 0xffffffffn);
  assert.deepEqual(applyUnary('zext32', { addr: 'x' }), { addr: 'x' });
});

test('64-bit values: a number and a bigint of the same integer are the same value', () => {
  assert.ok(sameValue(0, 0n));
  assert.ok(!sameValue(1, 0n));
  assert.ok(!sameValue(0n, { addr: 'x' }));
});

test('64-bit values: a final value is read at its declared type', () => {
  assert.equal(atType(-1n, { bits: 64, signed: false }), 18446744073709551615n);
  assert.equal(atType(0xffffffffn, { bits: 32, signed: true }), -1n);
  assert.equal(atType(-1n, { bits: 16, signed: false }), 65535n);
});

test('hardware tests: typed locations, and conditions compared at the location type', () => {
  const t = parseRiscvLitmus(
    'RISCV t\n{ uint64_t 0:x5; 0:x6=x; }\n P0 ;\n lw x5,0(x6) ;\nforall (0:x5=0xffffffffffffffff /\\ 0:x7=0xffffffff)\n',
    't.litmus',
  );
  // The condition prints its constants as 64-bit values ...
  assert.equal(t.condition.text, 'forall (0:x5=-1 /\\ 0:x7=4294967295)');
  // ... and compares them at the location's type (x7 is an undeclared `int`).
  assert.deepEqual(t.stateTypes?.declared.get('0:x5'), { bits: 64, signed: false });
  const atoms = t.condition.prop.kind === 'and' ? t.condition.prop.args : [];
  assert.deepEqual(
    atoms.map((a) => a.kind === 'eq' && a.value),
    [18446744073709551615n, -1n],
  );
});
