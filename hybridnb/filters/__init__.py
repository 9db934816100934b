"""Filters: kernels, the one blur, the far view, viewing distance, the classic split, SSIM.

Each works on NumPy arrays without importing TensorFlow, and on TensorFlow
tensors (compiled and differentiable) through :mod:`~hybridnb.filters.blur_tf`:

- :mod:`~hybridnb.filters.kernels`: the article's Gaussian kernel, taps for a sigma, scaling to a picture size;
- :mod:`~hybridnb.filters.blur`: the separable blur, the border as an argument (zero, mirror, valid);
- :mod:`~hybridnb.filters.viewing`: the far view and viewing distance (sigma, cycles per picture and per degree);
- :mod:`~hybridnb.filters.classic`: the classic frequency split;
- :mod:`~hybridnb.filters.similarity`: SSIM;
- :mod:`~hybridnb.filters.align`: lining two pictures up from matching points (NumPy only);
- :mod:`~hybridnb.filters.faces`: finding the eyes of a face (scikit-image's bundled detector).
"""
