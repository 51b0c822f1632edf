#!/usr/bin/env python3
"""Golden traces of Lava's bit-accurate LIF for the Loihi-like emulator.

Runs Lava itself (package lava-nc; the checked-in traces were written
with lava-nc 0.10.0 on Python 3.10.13, as lava-nc needs Python < 3.11): a
RingBuffer (fixed point) sends 0/1 spikes of a few input channels into a
Dense process (tag "bit_accurate_loihi": sum of 8-bit weights, then the
weight exponent as an arithmetic shift) feeding one LIF neuron
(PyLifModelBitAcc: u decays by du + 1 toward zero, input << 6 added, v
decays by dv toward zero, + u + bias_mant << bias_exp, saturated, spike if
v > vth << 6, v <- 0). After every time step it reads u and v and whether
the neuron spiked, and writes one file per parameter set into
tests/data/lava/ (default) that tests/simulator/loihi/LavaGoldenTest.cpp
replays on the emulator.

File format (text, '#' lines are comments):
  param NAME VALUE      du, dv, vth, bias_mant, bias_exp, weight_exp,
                        ticks (Lava time steps run)
  weights W0 W1 ...     Lava's Dense weights of channels 0, 1, ... (mixed
                        sign mode: even values in [-256, 254])
  input TICK CH ...     channels whose RingBuffer column TICK-1 holds a 1:
                        Lava sends them in time step TICK, Dense delivers
                        their sum to the LIF in time step TICK+1
  trace TICK U V S      state after Lava time step TICK (1-based), S = 1
                        if the neuron spiked in it

Mapping onto the Loihi-like configuration (LoihiConfig.proto), derived in
the test: Lava time step TICK is emulator tick TICK-1; an input sent in
time step TICK is a host spike at grid point TICK (it enters as if sent in
tick TICK-1 and reaches the input at tick TICK with delay field 0); the
state after time step TICK is the readout voltage at grid point TICK; a
spike in time step TICK is a SpikeEvent at grid point TICK. A mixed-mode
Lava weight w = 2 m with exponent e is the chip's signed mantissa m with
weight exponent e + 1 (sum(2 m) << e == sum(m) << (e + 1), and for e < 0
floor(2 S / 2^-e) == floor(S / 2^(-e-1))).

Usage:  python3.10 -m venv venv && venv/bin/pip install lava-nc
        venv/bin/python scripts/lava-golden.py [OUTDIR]
"""
import os
import sys

import numpy as np

from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi1SimCfg
from lava.proc.dense.process import Dense
from lava.proc.io.source import RingBuffer
from lava.proc.lif.process import LIF
from lava.proc.monitor.process import Monitor

# name, du, dv, vth, bias_mant, bias_exp, weight_exp, weights, ticks,
# input spikes {tick: [channels]}
PARAMETER_SETS = [
    # Excitatory and inhibitory inputs, slow decays, no bias.
    ("excitatory-inhibitory", 410, 205, 400, 0, 0, 0, [120, -90], 40,
     {2: [0], 3: [0], 4: [0, 1], 6: [0], 7: [0], 9: [1], 10: [1], 11: [1],
      14: [0], 15: [0], 16: [0], 17: [0], 22: [1], 23: [0, 1], 30: [0]}),
    # A bias that drives the neuron alone, and negative currents that
    # hold it below threshold: negative u and v decay toward zero.
    ("bias-and-negative-current", 1024, 64, 300, 1500, 3, 1, [-200, 64], 40,
     {5: [0], 6: [0], 7: [0], 8: [0], 20: [1], 21: [1], 25: [0, 1],
      26: [0], 30: [1], 31: [1], 32: [1], 33: [1], 34: [1], 35: [1]}),
    # Fast current (du 4095: d_eff 4096, u forgotten each step), no
    # voltage leak (dv 0), negative weight exponent (floor shift of the
    # summed weights), odd sums.
    ("fast-current-negative-exponent", 4095, 0, 20, -3, 2, -2,
     [254, -138, 46], 40,
     {1: [0], 2: [1], 3: [2], 4: [0, 2], 5: [1, 2], 6: [0, 1, 2], 8: [0],
      9: [0], 10: [0], 12: [1], 13: [1], 18: [2], 19: [2], 20: [2],
      21: [0, 1], 27: [0], 28: [0, 2], 29: [0, 2]}),
    # Large weights and exponent: big states, a threshold near the top of
    # the 17-bit mantissa, full voltage decay from the top.
    ("large-states", 100, 4000, 100000, -4000, 7, 6, [254, -256], 30,
     {1: [0], 2: [0], 3: [0], 4: [0], 5: [0], 6: [0, 1], 7: [0], 8: [0],
      9: [0], 10: [0], 11: [0], 12: [0], 15: [1], 16: [1], 17: [1], 20: [0],
      21: [0]}),
]


def run_set(name, du, dv, vth, bias_mant, bias_exp, weight_exp, weights,
            ticks, inputs):
    channels = len(weights)
    data = np.zeros((channels, ticks), dtype=np.int32)
    for tick, chans in inputs.items():
        for c in chans:
            data[c, tick - 1] = 1
    source = RingBuffer(data=data)
    dense = Dense(weights=np.array([weights], dtype=np.int32),
                  weight_exp=weight_exp, num_weight_bits=8)
    lif = LIF(shape=(1,), du=du, dv=dv, vth=vth, bias_mant=bias_mant,
              bias_exp=bias_exp)
    source.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    spikes = Monitor()
    spikes.probe(lif.s_out, ticks)
    rows = []
    try:
        for tick in range(1, ticks + 1):
            lif.run(condition=RunSteps(num_steps=1),
                    run_cfg=Loihi1SimCfg(select_tag="fixed_pt",
                                         select_sub_proc_model=True))
            rows.append((tick, int(lif.u.get()[0]), int(lif.v.get()[0])))
        s = spikes.get_data()[lif.name]["s_out"]
    finally:
        lif.stop()
    s = np.asarray(s).reshape(ticks, -1)[:, 0]
    return [(t, u, v, int(s[t - 1] != 0)) for t, u, v in rows]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data",
        "lava")
    os.makedirs(out, exist_ok=True)
    for (name, du, dv, vth, bm, be, we, weights, ticks,
         inputs) in PARAMETER_SETS:
        trace = run_set(name, du, dv, vth, bm, be, we, weights, ticks,
                        inputs)
        path = os.path.join(out, name + ".txt")
        with open(path, "w") as f:
            f.write("# golden trace of Lava PyLifModelBitAcc fed by PyDenseModelBitAcc, "
                    "written by scripts/lava-golden.py\n")
            for key, value in (("du", du), ("dv", dv), ("vth", vth),
                               ("bias_mant", bm), ("bias_exp", be),
                               ("weight_exp", we), ("ticks", ticks)):
                f.write(f"param {key} {value}\n")
            f.write("weights " + " ".join(str(w) for w in weights) + "\n")
            for tick in sorted(inputs):
                f.write(f"input {tick} " +
                        " ".join(str(c) for c in sorted(inputs[tick])) + "\n")
            for tick, u, v, spiked in trace:
                f.write(f"trace {tick} {u} {v} {spiked}\n")
        print(f"{path}: {sum(r[3] for r in trace)} spikes in {ticks} ticks")


if __name__ == "__main__":
    main()
