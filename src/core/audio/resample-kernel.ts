// The resampler's inner loop as a hand-assembled WebAssembly SIMD function: one output sample is a dot
// product of `taps` float32 input samples with one phase row of the filter table, four lanes at a time
// with two accumulators. Hand-written because it is the hottest loop in decoding (3-4x the plain JS loop:
// scripts/bench-audio.ts), and a whole toolchain for ~60 instructions would be the bigger dependency.
//
// run(x, table, y, count, first, phase, taps, up, step, rem), all byte offsets / counts as i32:
//   for n in 0..count: y[n] = sum_k table[phase*taps + k] * x[first + k]
//                      first += step; phase += rem; if phase >= up: phase -= up; first += 1
//   then stores first at byte 0 and phase at byte 4 of memory.
// `taps` must be a multiple of 8.

const I32 = 0x7f;
const V128 = 0x7b;

/** Unsigned LEB128, the integer encoding of every size and index in a WASM binary. */
function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

const name = (s: string) => [...leb(s.length), ...Buffer.from(s, 'latin1')];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

// Opcodes used below.
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32const = (v: number) => [0x41, v]; // small non-negative constants only (< 64)
const [I32_ADD, I32_SUB, I32_MUL, I32_SHL, I32_GE_U, I32_LT_U, F32_ADD] = [0x6a, 0x6b, 0x6c, 0x74, 0x4f, 0x49, 0x92];
const [BLOCK, LOOP, IF, END, BR, BR_IF, VOID] = [0x02, 0x03, 0x04, 0x0b, 0x0c, 0x0d, 0x40];
const v128load = (offset: number) => [0xfd, 0x00, 0x00, offset];
const V128_ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)];
const F32X4_ADD = [0xfd, ...leb(0xe4)];
const F32X4_MUL = [0xfd, ...leb(0xe6)];
const lane = (l: number) => [0xfd, 0x1f, l];
const F32_STORE = [0x38, 0x02, 0x00];
const i32store = (offset: number) => [0x36, 0x02, offset];

// Parameters, then locals.
const [X, TABLE, Y, COUNT, FIRST, PHASE, TAPS, UP, STEP, REM] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const [N, O, J, K, END_K, ACC0, ACC1] = [10, 11, 12, 13, 14, 15, 16];

/** acc += load(o + k + offset) * load(j + k + offset) */
const madd = (acc: number, offset: number) => [
  ...get(acc),
  ...get(O), ...get(K), I32_ADD, ...v128load(offset),
  ...get(J), ...get(K), I32_ADD, ...v128load(offset),
  ...F32X4_MUL, ...F32X4_ADD, ...set(acc),
];

const body = [
  BLOCK, VOID,
  LOOP, VOID,
  ...get(N), ...get(COUNT), I32_GE_U, BR_IF, 1, // n >= count: done
  ...get(TABLE), ...get(PHASE), ...get(TAPS), I32_MUL, ...i32const(2), I32_SHL, I32_ADD, ...set(O),
  ...get(X), ...get(FIRST), ...i32const(2), I32_SHL, I32_ADD, ...set(J),
  ...get(TAPS), ...i32const(2), I32_SHL, ...set(END_K),
  ...V128_ZERO, ...set(ACC0),
  ...V128_ZERO, ...set(ACC1),
  ...i32const(0), ...set(K),
  LOOP, VOID,
  ...madd(ACC0, 0),
  ...madd(ACC1, 16),
  ...get(K), ...i32const(32), I32_ADD, ...tee(K), ...get(END_K), I32_LT_U, BR_IF, 0,
  END,
  ...get(ACC0), ...get(ACC1), ...F32X4_ADD, ...set(ACC0),
  ...get(Y), ...get(N), ...i32const(2), I32_SHL, I32_ADD,
  ...get(ACC0), ...lane(0), ...get(ACC0), ...lane(1), F32_ADD, ...get(ACC0), ...lane(2), F32_ADD, ...get(ACC0), ...lane(3), F32_ADD,
  ...F32_STORE,
  ...get(FIRST), ...get(STEP), I32_ADD, ...set(FIRST),
  ...get(PHASE), ...get(REM), I32_ADD, ...tee(PHASE), ...get(UP), I32_GE_U,
  IF, VOID,
  ...get(PHASE), ...get(UP), I32_SUB, ...set(PHASE),
  ...get(FIRST), ...i32const(1), I32_ADD, ...set(FIRST),
  END,
  ...get(N), ...i32const(1), I32_ADD, ...set(N),
  BR, 0,
  END,
  END,
  ...i32const(0), ...get(FIRST), ...i32store(0),
  ...i32const(0), ...get(PHASE), ...i32store(4),
  END,
];

const locals = [2, 5, I32, 2, V128]; // 5 x i32 (n, o, j, k, end), 2 x v128 (acc0, acc1)
const functionBody = [...locals, ...body];

const BINARY = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  ...section(1, [1, 0x60, 10, ...new Array(10).fill(I32), 0]), // one type: (10 x i32) -> ()
  ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]), // import env.memory, min 1 page
  ...section(3, [1, 0]), // one function of type 0
  ...section(7, [1, ...name('run'), 0x00, 0]), // export it as "run"
  ...section(10, [1, ...leb(functionBody.length), ...functionBody]),
]);

let compiled: WebAssembly.Module | undefined;

type RunKernel = (x: number, table: number, y: number, count: number, first: number, phase: number, taps: number, up: number, step: number, rem: number) => void;

/** One kernel instance with its own memory: [0,16) results, then the filter table, then free space. */
export class ResampleKernel {
  readonly memory: WebAssembly.Memory;
  private readonly runKernel: RunKernel;

  constructor(initialBytes: number) {
    compiled ??= new WebAssembly.Module(BINARY);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(initialBytes / 65536) + 1 });
    const instance = new WebAssembly.Instance(compiled, { env: { memory: this.memory } });
    this.runKernel = instance.exports.run as RunKernel;
  }

  /** Make the memory at least `bytes` long (views of the old buffer become detached). */
  ensure(bytes: number): void {
    const missing = bytes - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / 65536));
  }

  /** Run `count` outputs; returns the next output's first-tap index and phase. */
  run(x: number, table: number, y: number, count: number, first: number, phase: number, taps: number, up: number, step: number, rem: number): { first: number; phase: number } {
    this.runKernel(x, table, y, count, first, phase, taps, up, step, rem);
    const state = new Int32Array(this.memory.buffer, 0, 2);
    return { first: state[0], phase: state[1] };
  }
}
