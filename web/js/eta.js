// A training run's share done and time left, validation passes counted: the one estimate every
// training UI shows (worker.js sends it in each 'progress' event).
//
// Work is counted in training images: an epoch is its training images plus its validation
// images weighted by what scoring one costs against training on one. That weight is measured
// during the run (the worker times its slices); until the first validation pass has been
// timed, VALIDATION_COST stands in for it. The time left is the active time so far (pauses
// left out) scaled by the work left over the work done.

// Seconds to score a validation image (batches of 256, forward only) over seconds to train on
// one: the engine's wasm figures for the lesson's network at batch 32, 2 threads, in
// bench/RESULTS.md (1,291 images/s training, 4,997 scoring: 0.26; 0.23 on a Zen 4). bench/eta.mjs
// prints the ratio a real run measures (0.30 on that Zen 4, 2 epochs: within its ±25 %).
export const VALIDATION_COST = 0.26;
// Below this share done the estimate is noise (the first batches warm the caches up).
const MIN_FRACTION = 0.002;

/** @param {{epochs, trainImages}} run  epochs, and training images per epoch */
export function createEta({ epochs, trainImages }) {
  let active = 0, since = null;  // active seconds, and when the current stretch began (ms)
  const cost = { train: 0, trained: 0, val: 0, validated: 0 };  // seconds, images

  const weight = () => (cost.trained > 0 && cost.validated > 0
    ? (cost.val / cost.validated) / (cost.train / cost.trained) : VALIDATION_COST);

  return {
    /** The run goes on (now: performance.now()); idempotent. */
    resume(now) { since ??= now; },
    /** The run waits (paused): this time is not counted. */
    pause(now) {
      if (since !== null) active += (now - since) / 1000;
      since = null;
    },
    /** A slice of `seconds` trained `trained` images and scored `validated` validation images. */
    slice(seconds, trained, validated) {
      if (validated > 0) { cost.val += seconds; cost.validated += validated; }
      else if (trained > 0) { cost.train += seconds; cost.trained += trained; }
    },
    /**
     * log: the engine's BatchLog ({epoch, batch, batches, validating, validated, valImages}),
     * batchSize: the run's. → {fraction, etaSeconds (null while too early to tell)}
     */
    estimate(log, batchSize, now) {
      const w = weight(), val = (log.valImages ?? 0) * w;
      const inEpoch = log.validating ? trainImages + log.validated * w : Math.min((log.batch + 1) * batchSize, trainImages);
      const fraction = Math.min(1, (log.epoch * (trainImages + val) + inEpoch) / (epochs * (trainImages + val)));
      const seconds = active + (since === null ? 0 : (now - since) / 1000);
      const etaSeconds = fraction > MIN_FRACTION ? (seconds * (1 - fraction)) / fraction : null;
      return { fraction, etaSeconds };
    },
  };
}
