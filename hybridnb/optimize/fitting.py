"""The fast path behind :meth:`hybridnb.HybridModel.fit`: a good start and compiled Adam.

The article starts from a grey picture and takes 200 plain gradient steps.
Two changes reach its loss in 4 to 16 steps (numbers in ``bench/README.md``):

- **Start from the classic hybrid, in linear light** (:func:`initial_logits`):
  the near picture's light minus its blur plus the far picture's blur,
  ``P**g - blur(P**g) + blur(F**g)``.  Seen up close it is the near picture;
  from afar, nearly the far one.  The article remarks that starting from
  such a guess could speed things up; on the default pair it alone takes
  the loss from grey's 71 463 to within about 20 % of the article's
  200-step 12 901.
- **Adam** with a step size that suits that start (:data:`FIT_LR`), run by a
  ``tf.while_loop`` (:func:`adam_steps`) that checks the stopping loss on
  the graph, after every step, with no round trip to Python.

All of it is pure TensorFlow functions of tensors, compiled once per picture
size: new pictures, weights, kernels or step sizes reuse the trace.
"""

from __future__ import annotations

import tensorflow as tf

from ..filters.blur import blur_with_kernel
from ..imaging.color import fast_power
from .losses import loss_and_gradient

#: Adam's step size for :meth:`HybridModel.fit`, in logit units.  Steps to the
#: article's 200-step loss, summed over six sample pairs at 512 x 512 (with
#: START_MARGIN 0.06): lr 0.15: 49, 0.2: 49, 0.3: 62 (with margin 0.001:
#: lr 0.2: 106, 0.3: 87, 0.4: 91).
FIT_LR = 0.2

#: Adam's usual constants (Kingma & Ba, 2015).
ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON = 0.9, 0.999, 1e-8

#: The start keeps colours this far inside (0, 1), so that no logit starts
#: saturated (where the sigmoid's gradient vanishes).  Steps summed over the
#: six pairs at the best lr: margin 0.001: 87, 0.01: 63, 0.03: 51, 0.06: 49,
#: 0.1: 48.
START_MARGIN = 0.06


# Not inlined into the functions that call it: the same concrete function then
# runs whether ``HybridModel.run`` calls it alone or a training step or the fit
# loop calls it, so ``train`` gives bit for bit the numbers of ``run`` +
# ``apply_gradient``, and ``fit`` stops on exactly the loss ``run`` reports,
# whatever the graph optimiser would otherwise rearrange around it.
@tf.function(reduce_retracing=True, autograph=False, experimental_attributes={"_noinline": True})
def evaluate(logits, img_precise, far_target, kernel, m_precise, m_blurred, gamma):
    """:func:`hybridnb.losses.loss_and_gradient` with the parts summed over the batch, compiled.

    Returns
    -------
    loss, loss_precise, loss_gauss : scalar tensors
    gradient : tf.Tensor, same shape as ``logits``

    Examples
    --------
    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> k = tf.constant(hn.make_gauss_blur_kernel(3, 1.0))
    >>> z = tf.zeros((1, 8, 8, 3))
    >>> one = tf.constant(1.0)
    >>> loss, lp, lg, grad = evaluate(z, tf.zeros_like(z), tf.fill((1, 8, 8, 3), 0.5), k, one, one, tf.constant(2.2))
    >>> float(lp), bool(loss > lp), grad.shape.as_list()
    (48.0, True, [1, 8, 8, 3])
    """
    loss, loss_precise, loss_gauss, grad = loss_and_gradient(
        logits, img_precise, far_target, kernel, m_precise, m_blurred, gamma
    )
    return loss, tf.reduce_sum(loss_precise), tf.reduce_sum(loss_gauss), grad


@tf.function(reduce_retracing=True, autograph=False)
def initial_logits(img_precise, far_target, kernel, gamma):
    """Logits of the classic hybrid in linear light, the start of :meth:`HybridModel.fit`.

    ``x = (P**g - blur(P**g) + blur(F**g)) ** (1 / g)``, clipped to
    ``[START_MARGIN, 1 - START_MARGIN]``: the near picture's detail over the
    far picture's blur, the frequency-split recipe the article contrasts with,
    done in light rather than codes.  ``blur(F**g)`` is ``far_target ** g``.

    Parameters
    ----------
    img_precise : tf.Tensor, shape (N, H, W, C)
        The near picture(s) ``P``.
    far_target : tf.Tensor, shape (N or 1, H, W, C)
        ``far_view(F)`` of the far picture(s).
    kernel : tf.Tensor, shape (K,)
    gamma : scalar tensor

    Returns
    -------
    tf.Tensor, shape (N, H, W, C)
        ``log(x / (1 - x))``.

    Examples
    --------
    A uniform pair gives back its colour:

    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> from hybridnb.optimize.losses import far_view
    >>> k = tf.constant(hn.make_gauss_blur_kernel(5, 1.0), tf.float64)
    >>> grey = tf.fill((1, 16, 16, 3), tf.constant(0.5, tf.float64))
    >>> z = initial_logits(grey, far_view(grey, k), k, tf.constant(2.2, tf.float64))
    >>> round(float(tf.sigmoid(z)[0, 8, 8, 0]), 6)
    0.5
    """
    dtype = img_precise.dtype
    gamma = tf.cast(gamma, dtype)
    near_light = fast_power(img_precise, gamma)
    light = near_light - blur_with_kernel(near_light, kernel, positive=True) + fast_power(far_target, gamma)
    margin = tf.constant(START_MARGIN, dtype)
    image01 = fast_power(tf.clip_by_value(light, tf.pow(margin, gamma), tf.pow(1.0 - margin, gamma)), 1.0 / gamma)
    return tf.math.log(image01) - tf.math.log1p(-image01)


@tf.function(reduce_retracing=True, autograph=False)
def adam_steps(logits, moment1, moment2, step, evaluation, img_precise, far_target, kernel,
               m_precise, m_blurred, gamma, lr, target_loss, max_steps):  # fmt: skip
    """Adam steps on the article's loss until it is ``<= target_loss`` or ``max_steps`` are done.

    Everything happens in one ``tf.while_loop``.  The loop carries the
    evaluation (loss, its parts, gradient) *of the current logits*, so the
    returned loss is always that of the returned picture, and it stops
    before updating a picture that already meets the target.

    Parameters
    ----------
    logits, moment1, moment2 : tf.Tensor, shape (N, H, W, C)
        Where to start and Adam's running moments (zeros on a fresh start).
    step : scalar tensor
        Adam steps taken so far (for its bias correction; 0 on a fresh start).
    evaluation : tuple (loss, loss_precise, loss_gauss, gradient)
        :func:`evaluate` at ``logits``.
    img_precise, far_target, kernel, m_precise, m_blurred, gamma
        As for :func:`hybridnb.losses.loss_and_gradient`.
    lr, target_loss : scalar tensors
        Step size; the loss at which to stop (``-inf``: never).
    max_steps : scalar int32 tensor
        Most updates to make in this call.

    Returns
    -------
    logits, moment1, moment2, step, evaluation, steps_done
        The state to pass back in to go on, and the updates made.

    Examples
    --------
    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> from hybridnb.optimize.losses import far_view
    >>> k = tf.constant(hn.make_gauss_blur_kernel(3, 1.0))
    >>> near = tf.fill((1, 8, 8, 3), 0.2)
    >>> far_t = far_view(tf.fill((1, 8, 8, 3), 0.7), k)
    >>> z, w = tf.zeros((1, 8, 8, 3)), [tf.constant(1.0), tf.constant(1.0), tf.constant(2.2)]
    >>> ev = evaluate(z, near, far_t, k, *w)
    >>> out = adam_steps(z, tf.zeros_like(z), tf.zeros_like(z), tf.constant(0.0), ev, near, far_t, k, *w,
    ...                  tf.constant(0.1), tf.constant(float("-inf")), tf.constant(20))
    >>> int(out[-1]), bool(out[4][0] < ev[0])
    (20, True)
    """
    dtype = logits.dtype
    beta1, beta2 = tf.constant(ADAM_BETA1, dtype), tf.constant(ADAM_BETA2, dtype)
    lr = tf.cast(lr, dtype)
    target_loss = tf.cast(target_loss, dtype)

    def keep_going(done, logits, moment1, moment2, step, evaluation):
        return tf.logical_and(done < max_steps, evaluation[0] > target_loss)

    def adam_step(done, logits, moment1, moment2, step, evaluation):
        grad = evaluation[3]
        step = step + 1.0
        moment1 = beta1 * moment1 + (1.0 - beta1) * grad
        moment2 = beta2 * moment2 + (1.0 - beta2) * tf.square(grad)
        size = lr * tf.sqrt(1.0 - tf.pow(beta2, step)) / (1.0 - tf.pow(beta1, step))
        logits = logits - size * moment1 / (tf.sqrt(moment2) + ADAM_EPSILON)
        loss, loss_precise, loss_gauss, grad = evaluate(
            logits, img_precise, far_target, kernel, m_precise, m_blurred, gamma
        )
        # A shared trace of ``evaluate`` may have a less specific output shape.
        evaluation = (loss, loss_precise, loss_gauss, tf.ensure_shape(grad, logits.shape))
        return done + 1, logits, moment1, moment2, step, evaluation

    done, logits, moment1, moment2, step, evaluation = tf.while_loop(
        keep_going, adam_step, (tf.constant(0), logits, moment1, moment2, tf.cast(step, dtype), tuple(evaluation))
    )
    return logits, moment1, moment2, step, evaluation, done
