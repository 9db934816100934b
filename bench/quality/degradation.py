"""Why the article's loss gets worse the better it is minimised: one cause at a time.

Two parts, both on tuning pairs only:

1. **The package as users run it** (``--part package``): ``HybridModel.train``
   with ``optimizer="sgd"`` (the article: lr 0.3, from grey) and ``"adam"``
   (lr 0.05, from grey), and ``HybridModel.fit`` (Adam lr 0.2 from the
   classic start, no target loss), measured after 10, 50, 200 and 1000
   steps.
2. **A standalone copy of the loss with one thing changed at a time**
   (``--part variants``), all run like ``fit`` (Adam lr 0.2 from the classic
   start; the converged case where the artefacts appear) unless the variant
   is the optimiser itself:

   ========== ==================================================================
   base       the article's loss (near term on display values, far term in
              linear light, zero padding, per-channel RGB terms)
   near_lin   near term in linear light: ``sum((x^g - n^g)^2)`` (convexity test)
   far_disp   far term on display values, no gamma: ``blur(x)`` (convexity control)
   reflect    reflect padding in every blur (frame test)
   lumchroma  both terms on luminance + two opponent channels (weights 1, .5, .5)
              instead of R, G, B (cast test)
   sgd        the base loss, plain gradient steps (lr 0.3) from the same start
              (Adam's normalised step test)
   near_hp    near term on the high-pass of the difference,
              ``sum((d - blur(d))^2)``, ``d = x - n`` (ghost test)
   ========== ==================================================================

Every checkpoint reports: the article's loss (the base loss, whatever the
variant optimised), fine-texture noise (mean |Laplacian| of display luma and
its ratio to the near picture's), the share of values stuck at 0 or 1, the
border step against the near picture and the classic split (a dark frame is
negative), the mean colour shift (CIE76 of the mean Lab colour against the
classic split in linear light), and the judges' near / far / ghost (msY and
peli, see ``judges.py``).  A last check smooths the converged base picture
with a 3x3 median and re-evaluates the article's loss: if the speckle-free
picture costs *more*, the speckle is what the loss asks for.

Run ``PYTHONPATH=. python bench/quality/degradation.py --help``.  At 256 px
with two pairs, each part takes a few minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np
import tensorflow as tf
from scipy import ndimage

try:  # run as a script (python bench/quality/degradation.py) or imported from bench.quality
    import judges as J
    import pairs as P
except ImportError:  # pragma: no cover
    from bench.quality import judges as J
    from bench.quality import pairs as P

CHECKPOINTS = (10, 50, 200, 1000)
GAMMA = 2.2
KERNEL_SIZE, SIGMA = 15, 3.0
M_PRECISE, M_BLURRED = 0.1, 1.0
START_MARGIN = 0.06
#: opponent transform for the ``lumchroma`` variant: luminance, red-green, blue-yellow
OPPONENT = np.array([[0.2126, 0.7152, 0.0722], [0.5, -0.5, 0.0], [-0.25, -0.25, 0.5]])
OPPONENT_WEIGHTS = np.array([1.0, 0.5, 0.5])


@dataclass(frozen=True)
class Variant:
    """One change to the article's loss or optimiser (see the module docstring)."""

    name: str
    near: str = "display"  # display | linear | highpass
    far: str = "linear"  # linear | display
    pad: str = "zero"  # zero | reflect
    channels: str = "rgb"  # rgb | lumchroma
    optimizer: str = "adam"  # adam | sgd
    lr: float = 0.2


VARIANTS = (
    Variant("base"),
    Variant("near_lin", near="linear"),
    Variant("far_disp", far="display"),
    Variant("reflect", pad="reflect"),
    Variant("lumchroma", channels="lumchroma"),
    Variant("sgd", optimizer="sgd", lr=0.3),
    Variant("near_hp", near="highpass"),
)


# ---------------------------------------------------------------------------
# the standalone loss


def _power(x: tf.Tensor, p) -> tf.Tensor:
    return tf.exp(tf.cast(p, x.dtype) * tf.math.log(tf.maximum(x, 1e-12)))


def blur(images: tf.Tensor, kernel: tf.Tensor, pad: str) -> tf.Tensor:
    """Separable depthwise Gaussian blur, ``SAME`` zero padding or reflect padding.

    Parameters
    ----------
    images : tf.Tensor, shape (N, H, W, C)
    kernel : tf.Tensor, shape (K,), K odd
    pad : {"zero", "reflect"}
    """
    c = images.shape[-1]
    k = kernel.shape[0]
    kx = tf.tile(tf.reshape(kernel, [1, k, 1, 1]), [1, 1, c, 1])
    ky = tf.tile(tf.reshape(kernel, [k, 1, 1, 1]), [1, 1, c, 1])
    if pad == "reflect":
        r = k // 2
        images = tf.pad(images, [[0, 0], [r, r], [r, r], [0, 0]], mode="REFLECT")
        mode = "VALID"
    else:
        mode = "SAME"
    out = tf.nn.depthwise_conv2d(images, kx, [1, 1, 1, 1], mode)
    return tf.nn.depthwise_conv2d(out, ky, [1, 1, 1, 1], mode)


def far_view(x: tf.Tensor, kernel: tf.Tensor, v: Variant) -> tf.Tensor:
    """The far view of a variant: ``blur(x^g)^(1/g)`` or ``blur(x)``."""
    if v.far == "display":
        return blur(x, kernel, v.pad)
    return _power(blur(_power(x, GAMMA), kernel, v.pad), 1.0 / GAMMA)


def _channels(d: tf.Tensor, v: Variant) -> tf.Tensor:
    if v.channels == "lumchroma":
        m = tf.constant((OPPONENT * np.sqrt(OPPONENT_WEIGHTS)[:, None]).T, d.dtype)
        return tf.tensordot(d, m, axes=[[3], [0]])
    return d


def terms(x: tf.Tensor, near: tf.Tensor, far_target: tf.Tensor, kernel: tf.Tensor, v: Variant):
    """(near term, far term) of a variant, sums over the picture."""
    if v.near == "linear":
        dn = _power(x, GAMMA) - _power(near, GAMMA)
    elif v.near == "highpass":
        d = x - near
        dn = d - blur(d, kernel, "reflect")
    else:
        dn = x - near
    df = far_view(x, kernel, v) - far_target
    return tf.reduce_sum(tf.square(_channels(dn, v))), tf.reduce_sum(tf.square(_channels(df, v)))


def article_loss(x: np.ndarray, near: np.ndarray, far: np.ndarray) -> float:
    """The article's loss of a picture (float64, zero padding), as ``HybridModel.run`` reports it."""
    v = VARIANTS[0]
    k = tf.constant(_kernel(), tf.float64)
    t = [tf.constant(a[None], tf.float64) for a in (x, near, far)]
    lp, lg = terms(t[0], t[1], far_view(t[2], k, v), k, v)
    return float(M_PRECISE * lp + M_BLURRED * lg)


def _kernel() -> np.ndarray:
    import hybridnb as hn

    return hn.make_gauss_blur_kernel(KERNEL_SIZE, SIGMA)


def classic_start(near: tf.Tensor, far: tf.Tensor, kernel: tf.Tensor, pad: str) -> tf.Tensor:
    """Logits of ``(P^g - blur(P^g) + blur(F^g))^(1/g)`` clipped to [margin, 1 - margin] (as ``fit``)."""
    pl, fl = _power(near, GAMMA), _power(far, GAMMA)
    light = pl - blur(pl, kernel, pad) + blur(fl, kernel, pad)
    lo, hi = START_MARGIN**GAMMA, (1 - START_MARGIN) ** GAMMA
    x = _power(tf.clip_by_value(light, lo, hi), 1.0 / GAMMA)
    return tf.math.log(x) - tf.math.log1p(-x)


def run_variant(v: Variant, near: np.ndarray, far: np.ndarray, checkpoints=CHECKPOINTS) -> dict[int, np.ndarray]:
    """Optimise a variant's loss; the picture at each checkpoint (steps taken)."""
    k = tf.constant(_kernel(), tf.float32)
    n = tf.constant(near[None], tf.float32)
    f = tf.constant(far[None], tf.float32)
    far_target = far_view(f, k, v)
    z = tf.Variable(classic_start(n, f, k, v.pad))
    m = tf.Variable(tf.zeros_like(z))
    s = tf.Variable(tf.zeros_like(z))
    t = tf.Variable(0.0)
    lr = tf.constant(v.lr, tf.float32)

    @tf.function(autograph=False)
    def step() -> None:
        with tf.GradientTape() as tape:
            lp, lg = terms(tf.sigmoid(z), n, far_target, k, v)
            loss = M_PRECISE * lp + M_BLURRED * lg
        g = tape.gradient(loss, z)
        if v.optimizer == "sgd":
            z.assign_sub(lr * g)
            return
        t.assign_add(1.0)
        m.assign(0.9 * m + 0.1 * g)
        s.assign(0.999 * s + 0.001 * g * g)
        mh = m / (1 - tf.pow(0.9, t))
        sh = s / (1 - tf.pow(0.999, t))
        z.assign_sub(lr * mh / (tf.sqrt(sh) + 1e-8))

    out = {}
    for i in range(1, max(checkpoints) + 1):
        step()
        if i in checkpoints:
            out[i] = tf.sigmoid(z)[0].numpy().astype(np.float64)
    return out


def run_package(kind: str, near: np.ndarray, far: np.ndarray, checkpoints=CHECKPOINTS) -> dict[int, np.ndarray]:
    """The package's ``train`` (sgd / adam from grey) or ``fit``; the picture at each checkpoint."""
    import hybridnb as hn

    size = near.shape[0]
    model = hn.HybridModel(size, size, KERNEL_SIZE, SIGMA)
    out: dict[int, np.ndarray] = {}
    if kind == "fit":

        def keep(done: int, report) -> None:
            if done in checkpoints:
                out[done] = report.image.astype(np.float64)

        model.fit(near, far, m_precise=M_PRECISE, max_steps=max(checkpoints), callback=keep, report_every=10)
        return out
    lr = 0.3 if kind == "sgd" else 0.05
    done = 0
    for c in checkpoints:
        model.train(c - done, 0, lr, img_precise=near, img_blurred=far, m_precise=M_PRECISE, optimizer=kind)
        done = c
        out[c] = model.image().astype(np.float64)
    return out


# ---------------------------------------------------------------------------
# measurements


def measure(x: np.ndarray, near: np.ndarray, far: np.ndarray, ref: np.ndarray, scorers) -> dict[str, float]:
    """The numbers of one checkpoint (see the module docstring)."""
    a = J.artefacts(x, near, far, ref)
    y = J.luma(x)
    lap = np.abs(4 * y[1:-1, 1:-1] - y[:-2, 1:-1] - y[2:, 1:-1] - y[1:-1, :-2] - y[1:-1, 2:]).mean()
    ms, pe = scorers[0](x), scorers[1](x)
    return {
        "loss": article_loss(x, near, far),
        "lap": float(lap),
        "noise": a.noise_vs_near,
        "stuck": a.stuck,
        "frame": a.frame,
        "frame_c": a.frame_vs_classic,
        "dE": a.de_mean_vs_classic,
        "msY_n": ms.near,
        "msY_f": ms.far,
        "msY_g": ms.ghost,
        "peli_g": pe.ghost,
    }


HEADER = (
    f"{'pair':16s} {'run':10s} {'steps':>5s} {'loss':>9s} {'|lap|':>6s} {'noise':>6s} {'stuck%':>6s} "
    f"{'frame':>7s} {'frame_c':>7s} {'dE':>5s} {'msY n/f':>11s} {'ghost msY/peli':>14s}"
)


def row(pair: str, run: str, steps: int, r: dict[str, float]) -> str:
    """One line of the table."""
    return (
        f"{pair:16s} {run:10s} {steps:5d} {r['loss']:9.1f} {r['lap']:6.3f} {r['noise']:6.2f} "
        f"{100 * r['stuck']:6.2f} {r['frame']:+7.3f} {r['frame_c']:+7.3f} {r['dE']:5.2f} "
        f"{r['msY_n']:5.3f}/{r['msY_f']:5.3f} {r['msY_g']:6.3f}/{r['peli_g']:6.3f}"
    )


def size_dependence(pair: tuple[str, str], sizes=(128, 256, 512)) -> None:
    """The article's fixed 15 taps / sigma 3 px at several sizes, judged in cycles per picture."""
    import hybridnb as hn

    print("\n# the article's settings (15 taps, sigma 3 px, sgd 200) at several sizes, size-independent judges")
    for size in sizes:
        near, far = P.load_pair(*pair, size)
        model = hn.HybridModel(size, size, KERNEL_SIZE, SIGMA)
        model.train(200, 0, 0.3, img_precise=near, img_blurred=far, m_precise=M_PRECISE)
        x = model.image().astype(np.float64)
        cells = []
        for judge in J.all_judges():
            vis = judge.bind(near, far)(x)
            cells.append(f"{judge.name} {vis.near:.3f}/{vis.far:.3f}")
        print(f"{size:5d} px  " + "  ".join(cells))


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=256, help="picture side (default 256)")
    parser.add_argument(
        "--pairs", nargs="+", default=["hopper/astronaut", "cat/coffee"], help="tuning pairs near/far (bundled samples)"
    )
    parser.add_argument("--part", choices=("package", "variants", "size", "all"), default="all")
    parser.add_argument("--variants", nargs="+", default=[v.name for v in VARIANTS], help="variant names to run")
    parser.add_argument("--save", help="folder to save the 1000-step pictures as PNG")
    args = parser.parse_args(argv)
    import hybridnb as hn

    tf.config.threading.set_inter_op_parallelism_threads(2)
    if args.part in ("size", "all"):
        size_dependence(tuple(args.pairs[0].split("/")))
    for pair in args.pairs:
        near_name, far_name = pair.split("/")
        near, far = P.load_pair(near_name, far_name, args.size)
        ref = hn.classic_hybrid(near, far, SIGMA, SIGMA, linear=True).image
        scorers = [J.MannosSakrisonJudge().bind(near, far), J.PeliJudge().bind(near, far)]
        print("\n" + HEADER)
        r = measure(ref, near, far, ref, scorers)
        print(row(pair, "classicLin", 0, r))
        runs: list[tuple[str, dict[int, np.ndarray]]] = []
        if args.part in ("package", "all"):
            for kind in ("sgd", "adam", "fit"):
                t0 = time.perf_counter()
                runs.append((f"pkg_{kind}", run_package(kind, near, far)))
                print(f"# pkg_{kind}: {time.perf_counter() - t0:.1f} s", flush=True)
                for steps, x in runs[-1][1].items():
                    print(row(pair, runs[-1][0], steps, measure(x, near, far, ref, scorers)), flush=True)
        if args.part in ("variants", "all"):
            for v in VARIANTS:
                if v.name not in args.variants:
                    continue
                t0 = time.perf_counter()
                runs.append((v.name, run_variant(v, near, far)))
                print(f"# {v.name}: {time.perf_counter() - t0:.1f} s", flush=True)
                for steps, x in runs[-1][1].items():
                    print(row(pair, v.name, steps, measure(x, near, far, ref, scorers)), flush=True)
        for name, pics in runs:
            if name in ("base", "pkg_fit"):
                x = pics[max(pics)]
                smooth = np.stack([ndimage.median_filter(x[..., c], size=3) for c in range(3)], axis=-1)
                print(
                    f"# {pair} {name}: article loss converged {article_loss(x, near, far):.1f}, "
                    f"after a 3x3 median {article_loss(smooth, near, far):.1f}"
                )
            if args.save:
                hn.save_image(pics[max(pics)], f"{args.save}/{pair.replace('/', '-')}-{name}.png")


if __name__ == "__main__":
    main()
