// Reads feature files for head-only bundles. Hand-written because .npy is a tiny fixed format
// (magic, a Python-literal header, raw little-endian data) and the npm readers are browser-
// oriented or unmaintained; this one checks every field and names the file in its errors.
import { HearError } from '../errors';

export interface FeatureMatrix {
  /** Row-major [frames, dim]. */
  data: Float32Array;
  frames: number;
  dim: number;
}

const MAGIC = '\x93NUMPY';

/** Parse an .npy of shape [T, D] or [1, T, D], float32 or float64 little-endian, C order. */
export function parseNpy(bytes: Uint8Array, file: string): FeatureMatrix {
  const bad = (why: string): HearError => new HearError('BAD_FEATURES', `not a usable .npy feature file: ${why}`, file);
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 6)) !== MAGIC) throw bad('missing the \\x93NUMPY magic');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (![1, 2, 3].includes(major)) throw bad(`format version ${major} is unknown`);
  if (headerStart + headerLength > bytes.length) throw bad('truncated header');
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));

  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad('header lacks descr, fortran_order or shape');
  if (fortran === 'True') throw bad('Fortran-ordered arrays are not supported; save with C order');
  const bytesPerValue = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (!bytesPerValue) throw bad(`dtype '${descr}' is not float32 or float64 little-endian`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw bad(`shape (${shapeText}) is malformed`);
  if (shape.length === 3 && shape[0] !== 1) throw bad(`shape (${shape.join(', ')}) holds ${shape[0]} songs; one per file`);
  if (shape.length !== 2 && shape.length !== 3) throw bad(`shape (${shape.join(', ')}) is not [frames, dim] or [1, frames, dim]`);
  const [frames, dim] = shape.slice(-2) as [number, number];

  const dataStart = headerStart + headerLength;
  const count = frames * dim;
  if (bytes.length - dataStart < count * bytesPerValue) {
    throw bad(`truncated data: ${bytes.length - dataStart} bytes for ${count} values of ${bytesPerValue} bytes`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = bytesPerValue === 4 ? view.getFloat32(dataStart + 4 * i, true) : view.getFloat64(dataStart + 8 * i, true);
    if (!Number.isFinite(v)) throw bad(`value ${i} (frame ${Math.floor(i / dim)}) is ${v}`);
    data[i] = v;
  }
  return { data, frames, dim };
}
