"""Analyses: plain functions, a networkx graph in, plain data out.

- :mod:`~graph_tool.analysis.brokers`: centrality, cut points, structural holes,
  Gould-Fernandez brokerage roles and a combined, explained broker ranking.
- :mod:`~graph_tool.analysis.projection`: person networks from shared identifiers,
  payments, calls and ties, with a hub guard.
- :mod:`~graph_tool.analysis.rings`: components, communities, k-cores and scored rings.
- :mod:`~graph_tool.analysis.money`: flows, balances, commission patterns, cycles.
- :mod:`~graph_tool.analysis.paths`: shortest paths, connecting networks, victim journeys.
- :mod:`~graph_tool.analysis.writeback`: results as the model's analysis properties.

Each result carries an ``explanation`` in plain language, and nodes are named by their
stable ids.
"""
