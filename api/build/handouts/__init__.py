"""Printable handouts (issue 25): each article in each locale as a tagged PDF/UA-1 file, by Typst.

The build calls :func:`render_handout` with the models it already has (README, "Handouts").
"""

from .labels import HandoutLabels, Label, handout_labels
from .render import MEDIA_TYPE, Paper, default_paper, render_handout

__all__ = ["MEDIA_TYPE", "HandoutLabels", "Label", "Paper", "default_paper", "handout_labels", "render_handout"]
