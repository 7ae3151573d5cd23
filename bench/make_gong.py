"""Write static/audio/gong.wav, the live board's start/end gong, with the standard library only.

A struck gong is a sum of inharmonic partials, each decaying at its own rate (the high ones
die first), over a short noisy mallet strike; the lowest partials swell a little and glide
down in pitch, which is what makes it sound like a gong rather than a bell. Deterministic:
running it again writes the same file.

    python3 bench/make_gong.py [OUT.wav]
"""
from __future__ import annotations

import math
import random
import struct
import sys
import wave
from pathlib import Path

RATE = 22050
SECONDS = 3.6
FUNDAMENTAL = 98.0  # Hz, about G2
# (ratio to the fundamental, loudness, decay time constant in seconds)
PARTIALS = [
    (1.00, 1.00, 1.60), (1.52, 0.70, 1.25), (2.03, 0.55, 1.00), (2.41, 0.45, 0.80),
    (2.93, 0.35, 0.65), (3.47, 0.28, 0.50), (4.16, 0.22, 0.40), (5.03, 0.16, 0.30),
    (6.27, 0.10, 0.22), (7.81, 0.07, 0.15),
]
OUT = Path(__file__).resolve().parent.parent / "static" / "audio" / "gong.wav"


def sample(t: float, noise: float) -> float:
    value = 0.0
    for index, (ratio, loudness, decay) in enumerate(PARTIALS):
        # The low partials bloom for a moment after the strike, then fade.
        swell = 1.0 - math.exp(-t / 0.05) if index < 3 else 1.0
        glide = 1.0 + 0.012 * math.exp(-t / 0.6)  # a slight downward pitch glide
        phase = 2 * math.pi * FUNDAMENTAL * ratio * glide * t + index * 0.7
        value += loudness * swell * math.exp(-t / decay) * math.sin(phase)
    strike = noise * 0.35 * math.exp(-t / 0.015)  # the mallet's thud
    fade_out = min(1.0, (SECONDS - t) / 0.3)      # no click at the end
    return (value + strike) * fade_out


def main(out: Path = OUT) -> Path:
    rng = random.Random(1996)  # the year of the first resource exchange
    frames = [sample(n / RATE, rng.uniform(-1, 1)) for n in range(int(RATE * SECONDS))]
    peak = max(abs(v) for v in frames) or 1.0
    out.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", int(v / peak * 0.9 * 32767)) for v in frames))
    return out


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
