"""Build-time SVG charts for the archive: static maps of places and timelines of mentions.

The logic lives in pure modules (``maps``, ``timeline``, ``ranking``, ``extract_map``) that never
import Pelican; the Pelican wiring, when there is any, belongs here.
"""
