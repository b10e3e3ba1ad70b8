#!/usr/bin/env python3
"""Turns JMH JSON results (java -jar dmactl-bench.jar ... -rf json -rff FILE) into the tables of
bench/README.md: per benchmark the mean with its 99.9% error, the median and the best iteration
(on this shared machine the median and the best are steadier than the mean), B/op from -prof gc,
and for CopyBandwidthBenchmark GB/s and the ratio of each cpu-engine variant to
MemorySegment.copy of the same size in the same run.

usage: summarize.py RESULT.json [RESULT.json ...]
"""
import json
import statistics
import sys


def label(entry):
    name = entry["benchmark"].rsplit(".", 2)
    params = entry.get("params", {})
    text = name[-2] + "." + name[-1]
    if params:
        text += " [" + ", ".join(f"{k}={v}" for k, v in sorted(params.items())) + "]"
    return text


def iterations(metric):
    return [value for fork in metric["rawData"] for value in fork]


def row(entry, metric, unit, higher_is_better):
    values = iterations(metric)
    best = max(values) if higher_is_better else min(values)
    error = float(metric.get("scoreError", "NaN"))
    error_text = "" if error != error else f" ± {error:,.1f}"
    return f"{metric['score']:,.1f}{error_text} {unit} (median {statistics.median(values):,.1f}, best {best:,.1f}, n={len(values)})"


def main(paths):
    entries = []
    for path in paths:
        with open(path) as f:
            entries.extend(json.load(f))
    bandwidth = {}
    for e in entries:
        primary = e["primaryMetric"]
        secondary = e.get("secondaryMetrics", {})
        higher = e["mode"] == "thrpt"
        print(label(e))
        if "completedOps" in secondary:
            print("    completed ops/s: " + row(e, secondary["completedOps"], "ops/s", True))
        else:
            print("    score: " + row(e, primary, primary["scoreUnit"], higher))
        norm = secondary.get("gc.alloc.rate.norm")
        if norm is not None:
            print(f"    alloc: {norm['score']:.3f} B/op (JMH invocation)")
        if e["benchmark"].endswith(("memorySegmentCopy", "cpuEngineCopy", "cpuEngineCopyQueueDepth4")) \
                and primary["scoreUnit"] == "ns/op":
            size = int(e["params"]["sizeBytes"])
            method = e["benchmark"].rsplit(".", 1)[1]
            values = iterations(primary)
            bandwidth[(size, method)] = (primary["score"], statistics.median(values))
            print(f"    GB/s: mean {size / primary['score']:.2f}, median {size / statistics.median(values):.2f}")
    for (size, method), (mean, median) in sorted(bandwidth.items()):
        base = bandwidth.get((size, "memorySegmentCopy"))
        if base is None or method == "memorySegmentCopy":
            continue
        print(f"ratio {method} / memorySegmentCopy at {size} B: by mean {base[0] / mean:.1%}, by median {base[1] / median:.1%}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
