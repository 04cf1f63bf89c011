#!/usr/bin/env python3
"""How a first reconnect window W trades the spread of a dropped crowd's attempts against the
time until all are back. N readers lose the server at once; it is back after BACK ms; attempt n
of a reader waits uniform(0, min(cap, W * 2**n)) (courtside's full jitter). Prints, per W, the
median over trials of the densest 100 ms window's share of all attempts, of the time until all
readers are connected, and of the median reader. Pure arithmetic, no browser: the numbers behind
the choice of Config::backoff_base_ms. Usage: bench/reconnect_spread.py [N] [TRIALS]"""

import random
import statistics
import sys


def trial(window, n, back=250.0, cap=30_000.0):
    attempts, done = [], []
    for _ in range(n):
        t, k = 0.0, 0
        while True:
            t += random.uniform(0, min(cap, window * 2**k))
            k += 1
            attempts.append(t)
            if t >= back:
                done.append(t)
                break
    attempts.sort()
    best = lo = 0
    for hi in range(len(attempts)):
        while attempts[hi] - attempts[lo] >= 100:
            lo += 1
        best = max(best, hi - lo + 1)
    return best / len(attempts), max(done), statistics.median(done)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    print(f"{n} readers, {trials} trials, server back after 250 ms")
    print(f"{'first window':>12} {'densest 100 ms':>15} {'all back':>10} {'median reader':>14}")
    for w in (500, 1000, 1500, 2000, 3000, 5000):
        runs = [trial(w, n) for _ in range(trials)]
        share = statistics.median(r[0] for r in runs) * 100
        all_back = statistics.median(r[1] for r in runs)
        reader = statistics.median(r[2] for r in runs)
        print(f"{w:>10} ms {share:>13.1f} % {all_back:>7.0f} ms {reader:>11.0f} ms")


if __name__ == "__main__":
    main()
