"""Tests of the sessions feature's builders."""
