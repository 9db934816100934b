"""Widgets that act in the user's browser: a download button and a copyable line of text.

A file that notebook code writes lands on the machine that runs the kernel.
In a hosted JupyterLab, or a Voilà app a teacher serves to a class, that is
not the student's computer, and Voilà deliberately serves no files next to the
notebook (a ``FileLink`` answers 403; voila #578, #618).  ipywidgets has no
download widget (ipywidgets #1966, #2471); its maintainers point to a data
link in an ``HTML`` widget or to a custom widget.  These two are custom
widgets written with `anywidget <https://anywidget.dev>`_, the documented way
to write one whose JavaScript (``browser.js``, one small ES module, no build
step) runs wherever ipywidgets do: JupyterLab, Notebook 7, Voilà, VS Code,
Colab.

- :class:`DownloadButton` holds the file's bytes in the page (sent once,
  when they change) and, when clicked, hands them to the browser as a
  download, within the click itself, so no browser mistakes it for a pop-up;
- :class:`CopyText` shows a line (a command) with a Copy button that puts it
  on the clipboard, also over plain http from another machine, where browsers
  offer no clipboard API (it copies a selection there).

Both count what the browser did (``downloads``, ``copies``), so Python code
and tests can tell that a click worked.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

_ESM = Path(__file__).with_name("browser.js")


class DownloadButton(anywidget.AnyWidget):
    """A button that downloads ``data`` in the browser as ``filename``.

    Disabled while ``data`` is empty.

    Attributes
    ----------
    data : bytes
        The file's content; sent to the page once, when set.
    filename : str
        The name the browser saves it under (it may add `` (1)`` if taken).
    mime : str
        Its media type (``image/png``...).
    description, icon, tooltip : str
        The button's label, Font Awesome icon name and hover text.
    disabled : bool
    downloads : int
        Clicks that handed the file to the browser (counted by the page).

    Examples
    --------
    >>> button = DownloadButton(description="Download PNG", filename="hybrid.png", mime="image/png")
    >>> button.data = b"\\x89PNG..."
    >>> button.downloads
    0
    """

    _esm = _ESM
    _kind = traitlets.Unicode("download").tag(sync=True)
    data = traitlets.Bytes(b"").tag(sync=True)
    filename = traitlets.Unicode("download").tag(sync=True)
    mime = traitlets.Unicode("application/octet-stream").tag(sync=True)
    description = traitlets.Unicode("Download").tag(sync=True)
    icon = traitlets.Unicode("download").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    downloads = traitlets.Int(0).tag(sync=True)


class CopyText(anywidget.AnyWidget):
    """A line of text in a monospace box, with a button that copies it to the clipboard.

    Attributes
    ----------
    value : str
        The text shown and copied.
    description, tooltip : str
        The button's label and hover text.
    copies : int
        Clicks that put the text on the clipboard (counted by the page).

    Examples
    --------
    >>> CopyText(value="hybridnb -o hybrid.png").value
    'hybridnb -o hybrid.png'
    """

    _esm = _ESM
    _kind = traitlets.Unicode("copy").tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    description = traitlets.Unicode("Copy").tag(sync=True)
    tooltip = traitlets.Unicode("Copy to the clipboard").tag(sync=True)
    copies = traitlets.Int(0).tag(sync=True)
