"""The ``tracuu`` command: the composition root that wires search, indexer and web together,
and manages the local OpenSearch and Tika used by development, CI and the demo."""
