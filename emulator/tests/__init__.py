"""Tests of the socapi emulator (a package so `unittest discover -t emulator` works)."""
