"""baocao's UI-free core, in layers (docs/ARCHITECTURE.md): text, nlp, corpus,
store, interchange and services over the Home. It never imports textual,
click or rich (import-linter contracts in pyproject.toml)."""
