"""The file trees Zou ships, copied unchanged from Zou 1.0.97 (``zou/app/file_trees/*.json``,
https://github.com/cgwire/zou, AGPL-3.0-or-later like kitsu-local).

They are data: ``POST /actions/projects/{id}/set-file-tree`` copies one into
``project.file_tree``, including the ``<OuputType>`` typo of ``default.json``, which Zou (and
kitsu-local) answer with a 400 "Unknown data type" on sequence output file names.
"""
