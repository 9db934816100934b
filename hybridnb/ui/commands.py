"""The ``hybridnb`` command that makes a hybrid with given settings.

The panel shows it, so that a student who found good settings can make the
same picture again, bigger, in a script or on another machine.  The options
come from the command's own parser (:func:`hybridnb.ui.cli.build_parser`):
every :class:`~hybridnb.optimize.settings.RunSettings` field is the option
whose ``dest`` has its name, and only values that differ from the option's
default are written.  A new setting with a command-line option of its name
needs no change here (``tests/ui/test_commands.py`` checks that every field
has one and that the command parses back to the same settings).
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import fields, replace

from ..imaging.samples import DEFAULT_FAR, DEFAULT_NEAR
from ..optimize.settings import RunSettings
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
    >>> from hybridnb.optimize.settings import ARTICLE
    >>> command_line(ARTICLE)
    'hybridnb -o hybrid.png'
    >>> command_line(replace(ARTICLE, size=256, m_precise=0.3, lr=0.3), "my cat.jpg", "coffee")
    "hybridnb 'my cat.jpg' coffee -o hybrid.png --size 256 --m-precise 0.3"
    """
    options = _options(build_parser())
    if settings.lr is not None and settings.lr == replace(settings, lr=None).learning_rate():
        settings = replace(settings, lr=None)  # the optimiser's own default: no need to say it
    parts = [program]
    if (near, far) != (DEFAULT_NEAR, DEFAULT_FAR):
        parts += [str(near), str(far)]
    parts += ["-o", str(output)]
    for field in fields(RunSettings):
        action = options.get(field.name)
        if action is None:
            raise ValueError(f"the command line has no option for the setting {field.name!r}")
        value = getattr(settings, field.name)
        if value != action.default and value is not None:
            parts += [action.option_strings[-1], repr(value) if isinstance(value, float) else str(value)]
    return shlex.join(parts)
