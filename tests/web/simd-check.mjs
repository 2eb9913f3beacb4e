#!/usr/bin/env node
// simd-check.mjs: proves the shipped SIMD engines really compute with f32x4 instructions
// and the scalar one does not.
//
//   node tests/web/simd-check.mjs DIR     DIR holds convaula-{simd-mt,simd,scalar}.wasm
//
// Only the code section (id 10) is read: function bodies, not data, so a float constant in
// a table cannot pass for an instruction. SIMD instructions are the prefix byte 0xFD and a
// LEB128 opcode; the f32x4 arithmetic ones (add 0xE4, sub 0xE5, mul 0xE6, div 0xE7,
// min 0xE8, max 0xE9) encode as FD E4 01 ... FD E9 01. This scans bytes rather than
// decoding every instruction, so the scalar build is the control: it must show none.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const F32X4 = { add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, min: 0xe8, max: 0xe9 };
const MIN_MUL_ADD = 20;  // a GEMM micro-kernel alone has more f32x4.mul/add than this

function leb(bytes, pos) {
  let value = 0, shift = 0, b;
  do {
    b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [value, pos];
}

function codeSection(bytes) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = leb(bytes, pos + 1);
    if (id === 10) return bytes.subarray(start, start + size);
    pos = start + size;
  }
  throw new Error('no code section');
}

function countF32x4(file) {
  const code = codeSection(readFileSync(file));
  const counts = Object.fromEntries(Object.keys(F32X4).map((k) => [k, 0]));
  for (let i = 0; i + 2 < code.length; i++) {
    if (code[i] !== 0xfd || code[i + 2] !== 0x01) continue;
    for (const [op, byte] of Object.entries(F32X4)) if (code[i + 1] === byte) counts[op]++;
  }
  return counts;
}

const dir = process.argv[2];
let ok = true;
for (const variant of ['simd-mt', 'simd', 'scalar']) {
  const c = countF32x4(join(dir, `convaula-${variant}.wasm`));
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const pass = variant === 'scalar' ? total === 0 : c.mul >= MIN_MUL_ADD && c.add >= MIN_MUL_ADD;
  ok &&= pass;
  console.log(`${pass ? 'ok  ' : 'FAIL'} convaula-${variant}.wasm f32x4: ${JSON.stringify(c)}`);
}
process.exit(ok ? 0 : 1);
