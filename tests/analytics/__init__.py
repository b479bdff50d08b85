"""Tests of the analytics layer."""
