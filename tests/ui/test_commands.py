"""The command line shown by the panel: it must make the same hybrid, so it must parse back to the same settings."""

from __future__ import annotations

import shlex
from dataclasses import fields, replace

import pytest

import hybridnb as hn
from hybridnb.ui.cli import build_parser, settings_from
from hybridnb.ui.commands import command_line


def parsed(command: str):
    """The settings and pictures the ``hybridnb`` command would run with (refusing what it refuses)."""
    program, *argv = shlex.split(command)
    assert program == "hybridnb"
    args = build_parser().parse_args(argv)
    return settings_from(args), args.near, args.far, args.output


def test_every_setting_has_an_option_of_its_name():
    dests = {action.dest for action in build_parser()._actions}
    assert {f.name for f in fields(hn.RunSettings)} <= dests


@pytest.mark.parametrize(
    "settings",
    [
        hn.VIEWER,
        replace(hn.VIEWER, size=256, crossover=12.5, m_blurred=10**0.4, steps=300),  # a log slider's value
        replace(hn.VIEWER, near_distance=2.0, far_distance=50.0, space="linear", lr=0.1),
        hn.ARTICLE,
        hn.ARTICLE.for_size(256),
        replace(hn.ARTICLE, size=256, kernel_size=31, sigma=6.0, steps=500),
        replace(hn.ARTICLE, m_precise=10**-0.9, m_blurred=0.5, lr=0.05, optimizer="adam"),
        replace(hn.ARTICLE, optimizer="fit", target_loss=12_900.0, steps=1000),
    ],
)
def test_the_command_parses_back_to_the_same_settings(settings):
    again, near, far, output = parsed(command_line(settings, "my photo.jpg", "cat", "out dir/h.png"))
    assert (near, far, output) == ("my photo.jpg", "cat", "out dir/h.png")
    assert replace(again, lr=again.learning_rate()) == replace(settings, lr=settings.learning_rate())


def test_only_what_differs_from_the_defaults_is_written():
    assert command_line(hn.VIEWER) == "hybridnb -o hybrid.png"
    assert command_line(hn.ARTICLE) == "hybridnb -o hybrid.png --method article"
    assert command_line(hn.ARTICLE.for_size(128)) == "hybridnb -o hybrid.png --method article --size 128"  # scaled blur
    assert command_line(replace(hn.ARTICLE, lr=0.3)) == "hybridnb -o hybrid.png --method article"  # sgd's own rate
    assert command_line(replace(hn.ARTICLE, optimizer="adam", lr=0.3)).endswith("--lr 0.3 --optimizer adam")
    assert command_line(hn.VIEWER, "hopper", "cat") == "hybridnb hopper cat -o hybrid.png"


def test_the_other_methods_settings_are_never_written():
    """The panel keeps every control's value; the command refuses the other method's options."""
    odd = replace(hn.VIEWER, kernel_size=31, sigma=6.0, optimizer="adam")
    assert command_line(odd) == "hybridnb -o hybrid.png"
    article = replace(hn.ARTICLE, crossover=12.0, space="linear")
    assert command_line(article) == "hybridnb -o hybrid.png --method article"


def test_more_options_come_last():
    command = command_line(hn.VIEWER, "a b.jpg", "cat", options=("--align-points", "my points.json"))
    assert command == "hybridnb 'a b.jpg' cat -o hybrid.png --align-points 'my points.json'"
    assert build_parser().parse_args(shlex.split(command)[1:]).align_points == "my points.json"
