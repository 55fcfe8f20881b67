"""Tests of the database wiring: the migrations build the schema the models describe."""
