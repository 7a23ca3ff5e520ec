"""How results read, for every edge alike: labels, value and money formatting, charts.

Neutral ground between the core and the edges: the CLI, the app and the review exports all draw
from here, so a status is called the same thing and a chart is the same chart everywhere. Pure:
no Streamlit, no database; charts are Altair specifications that an edge draws or renders.
"""
