"""``ecs-lint server``: a Language Server Protocol server over stdio, for editors.

The only package that imports the protocol library (pygls, installed by the ``server`` extra):

- ``text``: open documents' text and the protocol's positions (lines, UTF-16 code units);
- ``documents``: an open document, the file it stands for, whether ecs-lint checks it;
- ``linting``: one document linted as the command line lints its file, with the editor's unsaved
  texts standing for their files, and each document's settings (its nearest configuration file);
- ``lookups``: ECR Public answers for the session, found in the background;
- ``protocol``: findings as diagnostics, fixes and ignore comments as code actions, hovers;
- ``app``: the server, its handlers, and when each document is linted.
"""
