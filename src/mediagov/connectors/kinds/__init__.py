"""One module per kind of source; each registers its `Connector` with `base.register` when imported."""
