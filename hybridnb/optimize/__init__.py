"""Fitting the pixels (TensorFlow): losses, update rules, the engine, the model, the grid.

- :mod:`~hybridnb.optimize.loss`: what a loss is (the plug-in interface);
- :mod:`~hybridnb.optimize.article`: the article's loss with its hand-written gradient;
- :mod:`~hybridnb.optimize.perceptual`: an SSIM near term;
- :mod:`~hybridnb.optimize.updates`: update rules, each written once (sgd, adam);
- :mod:`~hybridnb.optimize.start`: the classic start;
- :mod:`~hybridnb.optimize.engine`: the compiled loop every optimiser runs in;
- :mod:`~hybridnb.optimize.model`: ``HybridModel``, the article's ``MyModel``;
- :mod:`~hybridnb.optimize.grid`: many candidates at once;
- :mod:`~hybridnb.optimize.settings`: the article's run as one table;
- :mod:`~hybridnb.optimize.runs`: one hybrid from settings, as the front ends make it.
"""
