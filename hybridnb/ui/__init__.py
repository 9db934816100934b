"""What people see: figures, live views, the training session, the panel and the command line.

- :mod:`~hybridnb.ui.plots` and :mod:`~hybridnb.ui.live`: matplotlib figures, redrawn in place;
- :mod:`~hybridnb.ui.session`: a run in a background thread, with no widgets;
- :mod:`~hybridnb.ui.panel`: the ipywidgets panel, wired to a session;
- :mod:`~hybridnb.ui.cli`: the ``hybridnb`` command;
- :mod:`~hybridnb.ui.startup`: starting TensorFlow quietly.
"""
