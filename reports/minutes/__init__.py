"""Minutes-ready extract: a body's decisions on its monitoring list at a meeting, as numbered
resolutions to copy into the minutes (HTML page) or download (Word). One text model
(resolutions.resolutions) feeds both formatters, so the page and the document cannot disagree."""

from reports.minutes.resolutions import Line, Resolutions, body_noun, resolutions

__all__ = ["Line", "Resolutions", "body_noun", "resolutions"]
