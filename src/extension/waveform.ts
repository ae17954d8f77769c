// A song's waveform for the report's timeline: the peak amplitude in each of a
// few hundred equal slices. Hand-written because it is one loop over the samples.
export function peakEnvelope(samples: Float32Array, buckets: number): number[] {
  const n = Math.max(0, Math.min(buckets, samples.length));
  const peaks = new Array<number>(n).fill(0);
  for (let b = 0; b < n; b++) {
    const start = Math.floor((b * samples.length) / n);
    const end = Math.floor(((b + 1) * samples.length) / n);
    let peak = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(samples[i]);
      if (a > peak) peak = a;
    }
    peaks[b] = Math.min(1, peak);
  }
  return peaks;
}

/** Rate the waveform is decoded at: enough for a picture, cheap to decode and scan. */
export const ENVELOPE_SAMPLE_RATE = 8000;
export const ENVELOPE_BUCKETS = 600;
