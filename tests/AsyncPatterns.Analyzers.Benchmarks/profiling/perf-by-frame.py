#!/usr/bin/env python3
"""Where our analyzers spend their time, from a Linux `perf` profile of the benchmark.

    cd tests/AsyncPatterns.Analyzers.Benchmarks
    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
        perf record -F 1999 -g -o /tmp/ap.data bin/Release/net10.0/AsyncPatterns.Analyzers.Benchmarks --packages ours --sizes 1000 --reps 2
    perf script -i /tmp/ap.data -F tid,ip,sym,dso > /tmp/ap.txt
    python3 profiling/perf-by-frame.py /tmp/ap.txt /tmp/perf-<pid>.map [frame-substring]

W^X must be off: with it, JIT-compiled code runs from a double-mapped memfd that perf cannot
match against the runtime's perf map. The map is resolved here, by address, for the frames perf
left unknown. Prints, for the samples under an AsyncPatterns.Analyzers frame: the outermost
such frame (which callback), and for the given substring (default: every frame of ours) the
callees one level down, so a rule's cost splits into its parts.
"""
import bisect
import collections
import re
import sys

OURS = '[AsyncPatterns.Analyzers]'


def load_map(path):
    entries = []
    for line in open(path):
        address, size, name = line.rstrip('\n').split(' ', 2)
        entries.append((int(address, 16), int(size, 16), name))
    entries.sort()
    return entries, [e[0] for e in entries]


def samples(path, perf_map):
    entries, starts = perf_map
    stack = None
    for line in open(path, errors='replace'):
        if re.match(r'^\s*\d+\s*$', line):
            stack = []
            continue
        if not line.strip():
            if stack:
                yield stack
            stack = None
            continue
        if stack is None:
            continue
        parts = line.strip().split(None, 1)
        symbol = re.sub(r' \([^()]*\)\s*$', '', parts[1] if len(parts) > 1 else '?')
        if symbol == '[unknown]':
            try:
                address = int(parts[0], 16)
                i = bisect.bisect_right(starts, address) - 1
                if i >= 0 and address < entries[i][0] + entries[i][1]:
                    symbol = entries[i][2]
            except ValueError:
                pass
        stack.append(symbol)


def short(frame):
    frame = re.sub(r'\[(Optimized\w*|QuickJitted|Tier\w*|InstrumentedTier\w*)\]', '', frame)
    match = re.search(r'([\w`.+<>|]+::[\w`<>|.]+)\(', frame)
    return match.group(1) if match else frame[:120]


def main():
    trace, map_path = sys.argv[1], sys.argv[2]
    focus = sys.argv[3] if len(sys.argv) > 3 else OURS
    callbacks = collections.Counter()
    callees = collections.Counter()
    total = 0
    for stack in samples(trace, load_map(map_path)):  # leaf first
        ours = [i for i, frame in enumerate(stack) if OURS in frame]
        if not ours:
            continue
        total += 1
        callbacks[short(stack[max(ours)])] += 1
        hits = [i for i, frame in enumerate(stack) if focus in frame]
        if hits:
            i = max(hits)
            callees[short(stack[i]) + '  ->  ' + (short(stack[i - 1]) if i > 0 else '(self)')] += 1
    print(f'{total} samples under our frames')
    print('\n== outermost frame of ours (the callback)')
    for name, count in callbacks.most_common(30):
        print(f'{count:6} {name}')
    print(f'\n== {focus}: one level down')
    for name, count in callees.most_common(40):
        print(f'{count:6} {name}')


if __name__ == '__main__':
    main()
