"""Pictures in and out, colour curves and the bundled samples: NumPy and Pillow only, no TensorFlow.

- :mod:`~hybridnb.imaging.color`: the article's gamma curves (NumPy arrays or tensors);
- :mod:`~hybridnb.imaging.io`: reading any picture Pillow reads, encoding and saving;
- :mod:`~hybridnb.imaging.files`: writing files whole or not at all, never over another;
- :mod:`~hybridnb.imaging.samples`: the sample pictures and how a picture's name is resolved.
"""
