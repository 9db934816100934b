"""The ``hybridnb`` command that makes a hybrid with given settings.

The panel shows it, so that a student who found good settings can make the
same picture again, bigger, in a script or on another machine.  The options
come from the command's own parser (:func:`hybridnb.ui.cli.build_parser`):
every :class:`~hybridnb.optimize.settings.RunSettings` field is the option
whose ``dest`` has its name.  Written are ``--method`` when it is not the
default, and the values that differ from what the command would take by
itself: the method's table (:data:`~hybridnb.optimize.settings.VIEWER`, or
:data:`~hybridnb.optimize.settings.ARTICLE` with its blur scaled to the
size, as :func:`hybridnb.ui.cli.settings_from` builds it); the other
method's fields are never written (the command refuses them).  A new setting
with a command-line option of its name needs no change here
(``tests/ui/test_commands.py`` checks that every field has one and that the
command parses back to the same settings).
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from dataclasses import fields, replace

from ..imaging.samples import DEFAULT_FAR, DEFAULT_NEAR
from ..optimize.settings import ARTICLE_ONLY, VIEWER, VIEWER_ONLY, RunSettings, method_defaults
from .cli import build_parser


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The parser's options by ``dest``, for those with a flag (``--steps``...)."""
    return {a.dest: a for a in parser._actions if a.option_strings}


def command_line(
    settings: RunSettings,
    near: str = DEFAULT_NEAR,
    far: str = DEFAULT_FAR,
    output: str = "hybrid.png",
    *,
    options: Sequence[str] = (),
    program: str = "hybridnb",
) -> str:
    """The ``hybridnb`` command that makes the hybrid of ``near`` and ``far`` with ``settings``.

    Parameters
    ----------
    settings : RunSettings
    near, far : str
        Picture files or sample names, as the command takes them.  Left out
        when they are the default pair.
    output : str, optional
        The ``-o`` file.
    options : sequence of str, optional
        More options, written last (``("--align-points", "alignment.json")``).
    program : str, optional
        How the command is called.

    Returns
    -------
    str
        One line, each part quoted for a POSIX shell where needed; numbers
        are written in full (the shortest text that reads back to the same
        float), so the command makes the same picture.

    Examples
    --------
    >>> from hybridnb.optimize.settings import ARTICLE, VIEWER
    >>> command_line(VIEWER)
    'hybridnb -o hybrid.png'
    >>> command_line(replace(VIEWER, size=256, crossover=12.0), "my cat.jpg", "coffee")
    "hybridnb 'my cat.jpg' coffee -o hybrid.png --size 256 --crossover 12.0"
    >>> command_line(replace(ARTICLE.for_size(256), m_precise=0.3))
    'hybridnb -o hybrid.png --method article --size 256 --m-precise 0.3'
    """
    flags = _options(build_parser())
    if settings.lr is not None and settings.lr == replace(settings, lr=None).learning_rate():
        settings = replace(settings, lr=None)  # the optimiser's own default: no need to say it
    viewer = settings.method == VIEWER.method
    table = method_defaults(settings.method, settings.size)
    skipped = ARTICLE_ONLY if viewer else VIEWER_ONLY
    parts = [program]
    if (near, far) != (DEFAULT_NEAR, DEFAULT_FAR):
        parts += [str(near), str(far)]
    parts += ["-o", str(output)]
    for field in sorted(fields(RunSettings), key=lambda f: f.name != "method"):  # the method first: it reads best
        action = flags.get(field.name)
        if action is None:
            raise ValueError(f"the command line has no option for the setting {field.name!r}")
        value = getattr(settings, field.name)
        usual = action.default if field.name in ("method", "size") else getattr(table, field.name)
        if field.name not in skipped and value != usual and value is not None:
            parts += [action.option_strings[-1], repr(value) if isinstance(value, float) else str(value)]
    return shlex.join([*parts, *options])
