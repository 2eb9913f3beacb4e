// time-left.test.mjs: the share done and time left of a training run (web/js/eta.js), with hand-made
// timings: validation images count at their measured cost, and paused time is not counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VALIDATION_COST, createEta } from '../../web/js/eta.js';

// 2 epochs of 1,000 training images and 100 validation images, batches of 25.
const log = (epoch, batch, validated = null) => ({ epoch, batch, batches: 40, valImages: 100, validating: validated !== null, validated: validated ?? 0 });

test('before any validation is timed, a validation image weighs VALIDATION_COST of a training one', () => {
  const eta = createEta({ epochs: 2, trainImages: 1000 });
  eta.resume(0);
  // Batch 10 of epoch 1 is done: 250 of 2 × (1000 + 100 w) image-equivalents, after 10 s.
  const total = 2 * (1000 + 100 * VALIDATION_COST);
  const { fraction, etaSeconds } = eta.estimate(log(0, 9), 25, 10_000);
  assert.ok(Math.abs(fraction - 250 / total) < 1e-12);
  assert.ok(Math.abs(etaSeconds - (10 * (total - 250)) / 250) < 1e-9);
});

test('measured slices set the weight of validation; pauses are left out', () => {
  const eta = createEta({ epochs: 2, trainImages: 1000 });
  eta.resume(0);
  eta.slice(2, 500, 0);    // 4 ms per training image
  eta.slice(0.2, 0, 100);  // 2 ms per validation image: w = 0.5
  eta.pause(4_000);
  eta.resume(64_000);      // a minute paused
  // Epoch 1 validated 50 of 100: 1000 + 25 of 2 × 1050 done, in 4 + 1 active seconds.
  const { fraction, etaSeconds } = eta.estimate(log(0, 39, 50), 25, 65_000);
  assert.ok(Math.abs(fraction - 1025 / 2100) < 1e-12);
  assert.ok(Math.abs(etaSeconds - (5 * 1075) / 1025) < 1e-9);
});

test('too early to tell: no time left yet', () => {
  const eta = createEta({ epochs: 15, trainImages: 60000 });
  eta.resume(0);
  assert.equal(eta.estimate(log(0, 0), 32, 100).etaSeconds, null);
});
