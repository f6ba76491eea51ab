"""baocao's Textual app and command line (this package may import textual,
but only inside the modules and commands that need it)."""
