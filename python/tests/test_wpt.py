"""The WebNN conformance vectors of ../shared/wpt (or $WEBNN_WPT_DIR) replayed through the Python
package (wpt_replay.py): every case must pass but the listed expected failures, which must still
fail, as in the Swift runner's test (Tests/WebNNTests/ConformanceTests.swift). A missing or empty
directory is a failure, not a skip, there as here."""

import math

import numpy as np
import pytest

import wpt_replay
from wpt_replay import Tensor, compare


def test_conformance_vectors_pass(ctx, summary_lines):
    report = wpt_replay.run(ctx)
    print(report.text())
    summary_lines.append(f"WPT conformance vectors (Python): {report.summary_line} in {report.seconds:.1f} s")
    assert len(report.results) > 1700, f"conformance vectors not found in {report.directory} (set WEBNN_WPT_DIR)"
    assert not report.failures, "\n".join(f"{r.identifier}: {r.message}" for r in report.failures)
    # Every listed expected failure names a case and still fails.
    assert not report.notes, report.notes
    assert report.count("expectedFailure") == len(wpt_replay.EXPECTED_FAILURES)
    assert report.count("passed") + report.count("unsupported") + report.count("expectedFailure") == len(report.results)


def test_a_missing_directory_fails(ctx, tmp_path):
    report = wpt_replay.run(ctx, tmp_path / "absent")
    assert [r.status for r in report.results] == ["failed"] and "cannot list" in report.results[0].message
    assert wpt_replay.run(ctx, tmp_path).results[0].message.startswith("no case files")


# The tolerance rules (shared/wpt/README.md), as Tests/WebNNTests/WPTToleranceTests.swift checks them.

def ulp32(actual, expected, metric="ULP"):
    return compare(np.array([actual], np.float32), Tensor([1], "float32", [expected]), metric, 1)[0]


def ulp16(bits, expected, expected_bits=None):
    t = Tensor([1], "float16", [expected], None if expected_bits is None else [expected_bits])
    return compare(np.array([bits], np.uint16).view(np.float16), t, "ULP", 1)[0]


def test_float32_ulp_is_a_sign_magnitude_distance():
    one = np.float32(1)
    assert ulp32(one, 1) == 0
    assert ulp32(np.nextafter(one, np.float32(2)), 1) == 1
    assert ulp32(np.float32(0.1), 0.1) == 0  # the expected value is rounded to float32 first
    tiny = np.float32(1e-45)
    assert ulp32(tiny, -float(tiny)) == 2
    assert ulp32(np.float32(-0.0), 0) == 0
    assert ulp32(np.float32(-1), 1) == 2 * 0x3F800000
    assert ulp32(np.array(0xFFC00001, np.uint32).view(np.float32), math.nan) == 0  # any NaN payload
    assert ulp32(np.float32(math.nan), 1) == math.inf and ulp32(one, math.nan) == math.inf
    assert ulp32(np.float32(math.inf), math.inf) == 0
    assert ulp32(np.finfo(np.float32).max, math.inf) == 1
    assert abs(ulp32(np.float32(0.5005), 0.5, "ATOL") - 0.0005) < 1e-6


def test_float16_ulp_is_a_raw_bit_distance():
    assert ulp16(0x3C00, 1) == 0 and ulp16(0x3C01, 1) == 1
    assert ulp16(0x3C00, 1, 0x3BFE) == 2  # float16Bits wins over the decimal value
    assert ulp16(0x8000, 0) == 0 and ulp16(0x0000, 0, 0x8000) == 0  # -0 vs +0
    assert ulp16(0x8001, 0, 0x0001) == 0x8000
    assert ulp16(0x7C01, math.nan, 0x7E00) == 0 and ulp16(0xFE00, math.nan) == 0
    assert ulp16(0x7C00, math.nan, 0x7E00) == math.inf  # +Inf is not NaN
    assert ulp16(0x7E00, 1) == math.inf


def test_integer_ulp_is_an_exact_difference():
    def distance(data_type, actual, expected):
        return compare([actual], Tensor([1], data_type, [float(expected)]), "ULP", 1)[0]

    assert distance("int32", -3, 2) == 5 and distance("uint8", 255, 254) == 1
    assert distance("int64", (1 << 53) + 1, 1 << 53) == 1  # exact beyond 2^53
    assert distance("uint64", (1 << 64) - 1, 0) > 0
    assert distance("int32", 0, math.nan) == math.inf


@pytest.mark.parametrize("data_type, data, packed", [("int4", [10, -15, -1, 7], [0x1A, 0x7F]),
                                                      ("uint4", [1, 2, 3], [0x21, 0x03])])
def test_four_bit_data_wraps_and_packs_low_nibble_first(data_type, data, packed):
    t = Tensor([len(data)], data_type, [float(v) for v in data])
    assert wpt_replay.encode(t).tolist() == packed
    expected = [((v & 0xF) - 16 if (v & 0xF) >= 8 else v & 0xF) if data_type == "int4" else v for v in data]
    assert wpt_replay.elements(np.array(packed, np.uint8), data_type, len(data)) == expected
