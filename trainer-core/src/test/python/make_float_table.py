#!/usr/bin/env python3
"""Writes the table that PyJsonFloatReprTest checks PyJson.floatRepr against.

Each line of trainer-core/src/test/resources/json/float_repr.tsv is
    <IEEE-754 bits as 16 hex digits> TAB <Python's repr of that double>
Python's repr(float) is what json.dumps writes for a float (HF's trainer_state.json, log lines).

The values are deterministic (fixed seed): powers of ten and their neighbours, the points where repr
switches between positional and exponent notation (1e-4 and 1e16), subnormals, integers around 2**53,
values that JDK 17's Double.toString renders with too many digits (JDK-4511638), and random doubles.

Re-run from the repository root after changing the value list:
    python3 trainer-core/src/test/python/make_float_table.py
"""
import math
import pathlib
import random
import struct

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "json" / "float_repr.tsv"


def bits(x: float) -> str:
    return struct.pack(">d", x).hex()


def from_bits(b: int) -> float:
    return struct.unpack(">d", b.to_bytes(8, "big"))[0]


def neighbours(x: float, n: int = 2):
    out = [x]
    lo = hi = x
    for _ in range(n):
        lo = math.nextafter(lo, -math.inf)
        hi = math.nextafter(hi, math.inf)
        out += [lo, hi]
    return out


def values():
    rnd = random.Random(4511638)
    vs = [0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, math.pi, math.e,
          4.5e-05, 1e-05, 0.0001, 1e16, 1234.5678, 5e-05, 4.9e-05, 2.5e-05, 0.6931, 123456789.0,
          1e22, 1e23, 2e23, 8.41e21, 5.0e-324, 1.0e-323, 9.9e-324, 2.0e-3, 1.0e-7, 4.35e-6,
          2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308,
          float(2 ** 53), float(2 ** 53 + 2), float(2 ** 63), float(2 ** 64), 1.2e15, 9.999999999999999e15,
          0.30000000000000004, 100.0, 1e100, 1e-100, 123e-20, 0.5, 0.25, 0.125, 3.0e10, 7.0e-10]
    for e in range(-325, 309):
        p = float(f"1e{e}")
        if p != 0.0 and not math.isinf(p):
            vs += neighbours(p, 1)
        for m in (2, 3, 5, 9):
            q = float(f"{m}e{e}")
            if q != 0.0 and not math.isinf(q):
                vs.append(q)
    for switch in (1e-4, 1e-5, 1e15, 1e16, 1e17):
        vs += neighbours(switch, 3)
        vs += [switch * 0.99999, switch * 1.00001, switch * 9.5, switch / 9.5]
    for e in range(-1074, -1022, 3):  # subnormals and the smallest normals
        vs.append(math.ldexp(1.0, e))
    for _ in range(200):
        vs.append(from_bits(rnd.getrandbits(52)))  # random subnormals (biased exponent 0)
    for p in range(-60, 70):  # powers of two, where the rounding interval is lopsided
        vs += neighbours(math.ldexp(1.0, p), 1)
    for _ in range(1000):  # random bit patterns over the whole range
        x = from_bits(rnd.getrandbits(64))
        if not (math.isnan(x) or math.isinf(x)):
            vs.append(x)
    for _ in range(700):  # numbers as training logs hold them
        vs.append(rnd.random() * 10 ** rnd.randint(-9, 18))
        vs.append(round(rnd.random() * 10, rnd.randint(1, 6)))
        vs.append(float(f"{rnd.random():.{rnd.randint(1, 17)}f}e{rnd.randint(-30, 30)}"))
    vs += [-v for v in vs[:200]]
    return vs


def main():
    seen = set()
    lines = []
    for v in values():
        b = bits(v)
        if b not in seen:
            seen.add(b)
            lines.append(f"{b}\t{v!r}\n")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(lines), encoding="ascii")
    print(f"wrote {len(lines)} values to {OUT}")


if __name__ == "__main__":
    main()
