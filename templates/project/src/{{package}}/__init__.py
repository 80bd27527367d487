"""{{package}}: code lifted out of the notebooks, tested in tests/."""
