"""Whole-file operations behind `python -m db`: the demo and reference data (seed), synthetic files of any scale
(generate, synth), Excel import and export (importing, exporting), backups (backup), the province's roll-up (rollup)
and the benchmark (bench). They read and write through the domains and the core, never around them."""
