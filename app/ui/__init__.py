"""The Streamlit app: entry script, pages, chart helpers, roles and cached loaders.

Pages draw what `app.evaluate` computes; they never compute a KPI or a credit themselves.
"""
